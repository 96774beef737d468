import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import type { TaskOutcome } from "../../rpc/mod.ts";
import { createWorkerHandler } from "./worker_handler.ts";
import { WorkerLoad } from "./worker_load.ts";
import { GatedExecutor } from "./_testing.ts";

// Stops a running task with `reason` through the worker's load, as a shutdown does, under an
// executor that reports every stop as CANCELLED without saying why.
async function stopRunningTask(reason: unknown): Promise<TaskOutcome> {
  const load = new WorkerLoad(4);
  const executor = new GatedExecutor({ saysWhy: false });
  const handler = createWorkerHandler(executor, load);
  const outcome = handler.executeTask("s1", { tool: "fs.read", args: { path: "a.txt" } }, {
    taskId: "t1",
    signal: new AbortController().signal,
    onEvent: () => {},
  });
  await executor.started();
  load.cancelAll(reason);
  return await outcome;
}

Deno.test("a task stopped by a shutdown ends with the shutdown's reason even if the executor says CANCELLED", async () => {
  const leaving = new CodegenError(
    "WORKER_UNAVAILABLE",
    'Task stopped: worker "w" is shutting down',
    { retriable: true, workerLeaving: true },
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
