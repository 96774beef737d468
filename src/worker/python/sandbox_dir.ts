/**
 * Worker-private directories mounted writable into the sandbox (the session venv during
 * pip, a test run's report directory), made writable for the sandboxed uid.
 * @module
 */
import type { SandboxRunner } from "../sandbox/runner.ts";

/** A runner that may drop to a dedicated uid per workspace (the bubblewrap runner as root). */
interface UidAwareRunner {
  sandboxUid(workspace: string): number | undefined;
}

function hasSandboxUid(runner: SandboxRunner): runner is SandboxRunner & UidAwareRunner {
  return typeof (runner as Partial<UidAwareRunner>).sandboxUid === "function";
}

/**
 * Creates the directory (0700). When the sandbox runs under its own uid, the fresh, empty
 * directory is handed to that uid; what goes in it is then created by the sandboxed
 * process itself.
 */
export async function makeSandboxDir(
  path: string,
  options: { runner: SandboxRunner; workspace: string },
): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  const runner = options.runner;
  const uid = hasSandboxUid(runner) ? runner.sandboxUid(options.workspace) : undefined;
  if (uid === undefined) return;
  const info = await Deno.lstat(path);
  if (info.uid !== uid || info.gid !== uid) await Deno.chown(path, uid, uid);
}
