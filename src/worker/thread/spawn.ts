import type { Level } from "../../core/mod.ts";
import type { WorkerOptions } from "../context.ts";
import { createThreadRings, ThreadLink } from "./link.ts";
import { INIT_REQUEST_ID, type WorkerThreadRequest } from "./protocol.ts";

/** The worker thread's script; `deno compile` must `--include` it. */
export const WORKER_THREAD_URL: URL = new URL("./worker_thread.ts", import.meta.url);

/**
 * Top-level system paths the thread may read: the sandbox launcher inspects them (lstat,
 * the `/etc` listing, where `prlimit` and `setpriv` live) to mirror them read-only into
 * bubblewrap. Nothing under them is writable.
 */
export const SYSTEM_READ_PATHS: readonly string[] = [
  "/usr",
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/etc",
];

/** Options for {@link spawnWorkerThread}. */
export interface WorkerThreadOptions extends WorkerOptions {
  /** Log level inside the thread (its logging is separate from the parent's). Default: off. */
  logLevel?: Level;
}

/**
 * The embedded worker thread's grants: read and write the workspace root; read the system
 * directories; run `bwrap` (and `python3` only under the insecure opt-out); `uid` to know
 * whether to drop the sandbox to its own uid; no network, environment, FFI or imports.
 * `workspaceRoot` must be absolute and exist.
 */
export function workerThreadPermissions(
  options: Pick<WorkerOptions, "workspaceRoot" | "insecureNoSandbox">,
): Deno.PermissionOptionsObject {
  return {
    read: [options.workspaceRoot, ...SYSTEM_READ_PATHS],
    write: [options.workspaceRoot],
    run: options.insecureNoSandbox ? ["bwrap", "python3"] : ["bwrap"],
    sys: ["uid"],
    net: false,
    env: false,
    ffi: false,
    import: false,
  };
}

/**
 * Starts the embedded worker's Deno Worker with {@link workerThreadPermissions} and posts
 * its `init`; hand the result to `createThreadWorkerClient`. Creates the workspace root
 * first and grants its real path (the thread cannot create its own grant's parent).
 */
export async function spawnWorkerThread(options: WorkerThreadOptions): Promise<ThreadLink> {
  await Deno.mkdir(options.workspaceRoot, { recursive: true, mode: 0o700 });
  const workspaceRoot = await Deno.realPath(options.workspaceRoot);
  const { logLevel, ...rest } = options;
  const worker = new Worker(WORKER_THREAD_URL, {
    type: "module",
    deno: { permissions: workerThreadPermissions({ ...rest, workspaceRoot }) },
  });
  const rings = createThreadRings();
  const link = new ThreadLink(worker, rings);
  const init: WorkerThreadRequest = {
    type: "init",
    id: INIT_REQUEST_ID,
    options: { ...rest, workspaceRoot },
    rings,
    ...(logLevel ? { logLevel } : {}),
  };
  link.postMessage(init);
  return link;
}
