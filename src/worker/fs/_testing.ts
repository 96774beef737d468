/** Test fixtures for the file tools: a real temp workspace beside an "outside" directory. */
import { CodegenError } from "../../core/mod.ts";
import { type Limits, LimitsSchema } from "../../config/mod.ts";
import type { TaskEvent, TaskOutcome, TaskTypes } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import type { ListingSnapshots } from "../dir_snapshots.ts";
import { FS_HANDLERS, removalsSettled } from "./mod.ts";

type FsTool = keyof typeof FS_HANDLERS;

/** A workspace for one test; `outside` holds a sentinel the tools must never touch. */
export interface Fixture extends AsyncDisposable {
  ctx: TaskContext;
  /** Real path of the session workspace. */
  workspace: string;
  /** Real path of a directory beside the workspace, with `secret.txt` in it. */
  outside: string;
  events: TaskEvent[];
  /** Calls a handler the way the executor does: a thrown CodegenError becomes an outcome. */
  call<K extends FsTool>(tool: K, args: TaskTypes[K]["args"]): Promise<TaskOutcome<K>>;
  /** Every file and directory outside the workspace with its bytes and mtime. */
  snapshotOutside(): Promise<Map<string, string>>;
}

export const SECRET = "top secret, never to be read or changed";

/** Builds a fixture; dispose it with `await using`. `snapshots` lets fs.list keep names. */
export async function createFixture(
  limits: Partial<Limits> = {},
  options: { snapshots?: ListingSnapshots } = {},
): Promise<Fixture> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "codegen-fs-" }));
  const workspace = `${base}/sessions/s1`;
  const outside = `${base}/outside`;
  await Deno.mkdir(workspace, { recursive: true });
  await Deno.mkdir(`${base}/state/s1`, { recursive: true });
  await Deno.mkdir(`${outside}/dir`, { recursive: true });
  await Deno.writeTextFile(`${outside}/secret.txt`, SECRET);
  await Deno.writeTextFile(`${outside}/dir/inner.txt`, SECRET);
  const events: TaskEvent[] = [];
  const ctx: TaskContext = {
    sessionId: "s1",
    workspace,
    stateDir: `${base}/state/s1`,
    limits: { ...LimitsSchema.parse({}), ...limits },
    signal: new AbortController().signal,
    emit: (event) => events.push(event),
    ...(options.snapshots ? { snapshots: options.snapshots } : {}),
  };
  return {
    ctx,
    workspace,
    outside,
    events,
    async call(tool, args) {
      try {
        // deno-lint-ignore no-explicit-any
        return await (FS_HANDLERS[tool] as any)(ctx, args);
      } catch (err) {
        const e = CodegenError.from(err);
        return { ok: false, error: { code: e.code, message: e.message, retriable: e.retriable } };
      }
    },
    snapshotOutside: () => snapshot(base, workspace),
    async [Symbol.asyncDispose]() {
      await removalsSettled();
      await Deno.remove(base, { recursive: true });
    },
  };
}

/** Walks `base` (skipping `skip`) without following links: path → kind, bytes, mtime. */
async function snapshot(base: string, skip: string): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const pending = [base];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (path === skip) continue;
      const info = await Deno.lstat(path);
      const mtime = info.mtime?.getTime();
      if (info.isDirectory) {
        pending.push(path);
        seen.set(path, `dir ${mtime}`);
      } else if (info.isFile) {
        seen.set(path, `file ${mtime} ${await Deno.readTextFile(path)}`);
      } else {
        seen.set(path, `link ${await Deno.readLink(path)}`);
      }
    }
  }
  return seen;
}

/** The error code of a failed outcome, or "ok". */
export function codeOf(outcome: TaskOutcome): string {
  return outcome.ok ? "ok" : outcome.error.code;
}
