import assert from "node:assert/strict";
import { CodegenError, FakeClock, settlesWithin } from "../core/mod.ts";
import type { FsListResult, TaskRequest } from "../rpc/mod.ts";
import { withExecutor } from "./_testing.ts";
import { DirSnapshots } from "./dir_snapshots.ts";
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

Deno.test("WorkerExecutor gives fs.list its session's name snapshots and drops them with the session", async () => {
  // the clock a minute ahead: the directory written below counts as quiet (SNAPSHOT_QUIET_MS)
  const snapshots = new DirSnapshots({ clock: new FakeClock(Date.now() + 60_000) });
  await withExecutor(
    async (executor) => {
      const list = async (after?: string) => {
        const args = { path: "d", limit: 2, ...(after === undefined ? {} : { after }) };
        const out = await executor.execute("s1", { tool: "fs.list", args });
        assert.ok(out.ok, JSON.stringify(out));
        return out.result as FsListResult;
      };
      for (const name of ["a", "b", "c", "d", "e"]) {
        const args = { path: `d/${name}`, contents: name };
        assert.ok((await executor.execute("s1", { tool: "fs.write", args })).ok);
      }
      const first = await list();
      assert.deepEqual(first.entries.map((e) => e.name), ["a", "b"]);
      assert.equal(snapshots.size, 1, "the first page kept the directory's names");
      const second = await list(first.next_after);
      assert.deepEqual(second.entries.map((e) => e.name), ["c", "d"]);
      assert.equal(second.total_count, 3);
      await executor.destroySession("s1");
      assert.equal(snapshots.size, 0);
      assert.equal(snapshots.bytes, 0);
    },
    {},
    { snapshots },
  );
});
