import assert from "node:assert/strict";
import { FAKE_LIMITS, fakeHandler } from "../rpc/_testing.ts";
import { startWorkerServiceServer } from "../rpc/mod.ts";
import { createGrpcWorkerClientPool } from "./grpc_worker_client.ts";
import { answerDeadlineMs } from "./_answer_deadline.ts";

Deno.test("a task's answer deadline is its own time limit plus a grace, or a fixed allowance", () => {
  const run = (timeout_seconds?: number) =>
    answerDeadlineMs(
      { tool: "run.python", args: { code: "1", ...(timeout_seconds ? { timeout_seconds } : {}) } },
      FAKE_LIMITS,
      1_000,
    );
  assert.equal(run(2), 3_000);
  assert.equal(
    run(),
    FAKE_LIMITS.run_timeout_seconds_max * 1000 + 1_000,
    "no limit asked: the most",
  );
  assert.equal(run(10_000), FAKE_LIMITS.run_timeout_seconds_max * 1000 + 1_000, "capped");
  assert.equal(
    answerDeadlineMs({ tool: "fs.read", args: { path: "a" } }, FAKE_LIMITS, 1_000),
    61_000,
  );
});

Deno.test("a worker that takes a task and never answers yields a retriable WORKER_UNAVAILABLE past its deadline", async () => {
  let started = 0;
  const server = await startWorkerServiceServer(
    fakeHandler({
      executeTask: (_session, task) => {
        started++;
        // hangs a run; answers anything else at once
        return task.tool === "run.python"
          ? new Promise(() => {})
          : Promise.resolve({ ok: true, result: { workspace_bytes: 1, file_count: 2 } });
      },
    }),
  );
  const pool = createGrpcWorkerClientPool({ answerGraceMs: 200 });
  try {
    const client = await pool.connect("w1", `127.0.0.1:${server.port}`);
    const quick = await client.execute("s1", { tool: "workspace.stats", args: {} });
    assert.equal(quick.ok, true, "an answered task is untouched by its deadline");
    const began = performance.now();
    const outcome = await client.execute("s1", {
      tool: "run.python",
      args: { code: "import time; time.sleep(99)", timeout_seconds: 1 },
    });
    const took = performance.now() - began;
    assert.equal(outcome.ok, false);
    if (!outcome.ok) {
      assert.equal(outcome.error.code, "WORKER_UNAVAILABLE");
      assert.equal(outcome.error.retriable, true);
      assert.match(outcome.error.message, /did not answer within 1 s/);
    }
    assert.ok(took >= 1_150 && took < 5_000, `answered after ${took} ms`);
    assert.equal(started, 2);
    await client.close();
  } finally {
    await pool.close();
    await server.close();
  }
});
