import assert from "node:assert/strict";
import { CodegenError, settlesWithin } from "../core/mod.ts";
import type { TaskRequest } from "../rpc/mod.ts";
import { withExecutor } from "./_testing.ts";
import { withoutBubblewrap } from "./python/_testing.ts";

const ignore = await withoutBubblewrap();

const SLEEPER: TaskRequest = {
  tool: "run.python",
  args: { code: "import time\nprint('ready', flush=True)\ntime.sleep(60)" },
};

Deno.test({
  name:
    "WorkerExecutor.execute() ends a task stopped by a leaving worker with its WORKER_UNAVAILABLE, a caller's cancel CANCELLED",
  ignore,
  fn: () =>
    withExecutor(async (executor) => {
      const leaving = new CodegenError("WORKER_UNAVAILABLE", "Worker is shutting down", {
        retriable: true,
        workerLeaving: true,
      });
      for (const reason of [leaving, new CodegenError("CANCELLED", "The caller cancelled")]) {
        const controller = new AbortController();
        const started = Promise.withResolvers<void>();
        const running = executor.execute("s1", SLEEPER, {
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === "log" && e.data.includes("ready")) started.resolve();
          },
        });
        if (!(await settlesWithin(started.promise, 30_000))) {
          controller.abort();
          assert.fail(`run.python did not start: ${JSON.stringify(await running)}`);
        }
        controller.abort(reason);
        const out = await running;
        assert.ok(!out.ok, JSON.stringify(out));
        assert.deepEqual(
          out.error,
          reason === leaving
            ? {
              code: "WORKER_UNAVAILABLE",
              message: "Worker is shutting down",
              retriable: true,
              worker_leaving: true,
            }
            : { code: "CANCELLED", message: "Run was cancelled", retriable: false },
        );
      }
    }),
});
