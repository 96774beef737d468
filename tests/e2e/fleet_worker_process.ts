// A remote worker in its own process for the fleet tests: serves WorkerService with
// tasks that report progress and then run until cancelled, prints its address as one
// JSON line, and runs until killed.
// Usage: deno run --allow-net --allow-env --allow-read fleet_worker_process.ts TOKEN
import { WorkerConfigSchema } from "../../src/config/mod.ts";
import type { ExecuteOptions, TaskExecutor, TaskOutcome } from "../../src/rpc/mod.ts";
import { startRemoteWorker } from "../../src/worker/remote/mod.ts";

const config = WorkerConfigSchema.parse({
  coordinator: "127.0.0.1:1",
  listen: "127.0.0.1:0",
  workerId: "crash-test",
  workspaceRoot: "/nonexistent-unused",
  workerToken: Deno.args[0],
  limits: {},
});

const executor: TaskExecutor = {
  createSession: () => Promise.resolve(),
  destroySession: () => Promise.resolve(),
  execute(_sessionId, _task, options: ExecuteOptions = {}): Promise<TaskOutcome> {
    options.onEvent?.({ type: "progress", progress: 0, message: "running until cancelled" });
    return new Promise((resolve) =>
      options.signal?.addEventListener(
        "abort",
        () =>
          resolve({
            ok: false,
            error: { code: "CANCELLED", message: "cancelled", retriable: false },
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

const worker = await startRemoteWorker(config, { executor, register: false });
await Deno.stdout.write(
  new TextEncoder().encode(JSON.stringify({ address: worker.address }) + "\n"),
);
