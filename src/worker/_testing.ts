/** Test fixture: a real {@link WorkerExecutor} over a temporary workspace root. */
import assert from "node:assert/strict";
import { LimitsSchema } from "../config/mod.ts";
import type { TaskOutcome, TaskRequest } from "../rpc/mod.ts";
import type { WorkerOptions } from "./context.ts";
import type { DirSnapshots } from "./dir_snapshots.ts";
import { WorkerExecutor } from "./executor.ts";

/**
 * Runs `fn` with an executor over a fresh temporary root (its real path, sandboxed Python,
 * default limits unless `options` says otherwise, `deps` as the executor takes them); closes
 * it and removes the root after.
 */
export async function withExecutor<T>(
  fn: (executor: WorkerExecutor, root: string) => Promise<T>,
  options: Partial<WorkerOptions> = {},
  deps: { snapshots?: DirSnapshots } = {},
): Promise<T> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "codegen-exec-" }));
  const executor = new WorkerExecutor({
    workspaceRoot: root,
    limits: LimitsSchema.parse({}),
    insecureNoSandbox: false,
    ...options,
  }, deps);
  try {
    return await fn(executor, root);
  } finally {
    await executor.close();
    await Deno.remove(root, { recursive: true });
  }
}

/** A runner of tasks in `session` that asserts each succeeded and returns its result. */
export function succeeding(
  executor: WorkerExecutor,
  session: string,
): (task: TaskRequest) => Promise<Record<string, unknown>> {
  return async (task) => {
    const outcome: TaskOutcome = await executor.execute(session, task);
    assert.ok(outcome.ok, outcome.ok ? "" : outcome.error.message);
    return outcome.result as unknown as Record<string, unknown>;
  };
}
