import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import type { ExecuteOptions, TaskExecutor, TaskOutcome } from "../../rpc/mod.ts";
import { createWorkerHandler } from "./worker_handler.ts";
import { WorkerLoad } from "./worker_load.ts";

// An executor that reports every stop as CANCELLED, as a tool does, without saying why.
function plainExecutor(started: () => void): TaskExecutor {
  return {
    createSession: () => Promise.resolve(),
    destroySession: () => Promise.resolve(),
    execute(_sessionId, _task, options: ExecuteOptions = {}): Promise<TaskOutcome> {
      started();
      return new Promise((resolve) =>
        options.signal?.addEventListener(
          "abort",
          () =>
            resolve({
              ok: false,
              error: { code: "CANCELLED", message: "stopped", retriable: false },
            }),
        )
      );
    },
    limits: () => ({
      max_file_bytes: 1,
      max_read_bytes: 1,
      max_list_entries: 1,
      run_timeout_seconds_default: 1,
      run_timeout_seconds_max: 1,
      output_limit_bytes: 1,
      max_workspace_bytes: 1,
    }),
    close: () => Promise.resolve(),
  };
}

async function stopRunningTask(reason: unknown): Promise<TaskOutcome> {
  const load = new WorkerLoad(4);
  const started = Promise.withResolvers<void>();
  const handler = createWorkerHandler(plainExecutor(started.resolve), load);
  const outcome = handler.executeTask("s1", { tool: "fs.read", args: { path: "a.txt" } }, {
    taskId: "t1",
    signal: new AbortController().signal,
    onEvent: () => {},
  });
  await started.promise;
  load.cancelAll(reason);
  return await outcome;
}

Deno.test("a task stopped by a shutdown ends with the shutdown's reason even if the executor says CANCELLED", async () => {
  const leaving = new CodegenError(
    "WORKER_UNAVAILABLE",
    'Task stopped: worker "w" is shutting down',
    {
      retriable: true,
      workerLeaving: true,
    },
  );
  const outcome = await stopRunningTask(leaving);
  assert.equal(outcome.ok, false);
  if (outcome.ok) return;
  assert.equal(outcome.error.code, "WORKER_UNAVAILABLE");
  assert.equal(outcome.error.retriable, true);
  assert.equal(outcome.error.worker_leaving, true);
});

Deno.test("a task the caller cancelled stays CANCELLED", async () => {
  const outcome = await stopRunningTask(new CodegenError("CANCELLED", "cancelled by the caller"));
  assert.equal(outcome.ok, false);
  if (outcome.ok) return;
  assert.equal(outcome.error.code, "CANCELLED");
});
