import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import type { TaskOutcome } from "./tasks.ts";
import { type WorkerServiceServer, WorkerServiceService } from "./gen/codegen/v1/worker.ts";
import { startGrpcServer } from "./server.ts";
import { FAKE_LIMITS, fakeHandler } from "./_testing.ts";
import { startWorkerServiceServer } from "./worker_service_server.ts";
import { WorkerServiceConnection } from "./worker_service_client.ts";

const TASK = { tool: "workspace.stats", args: {} } as const;

function code(outcome: TaskOutcome): string {
  return outcome.ok ? "ok" : outcome.error.code;
}

/** A promise that rejects after `ms` so no test can hang on a lost outcome. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

Deno.test("session calls return the worker's limits and map errors to project codes", async () => {
  const server = await startWorkerServiceServer(fakeHandler({
    destroySession: (id) =>
      Promise.reject(id === "plain" ? new Error("boom") : new CodegenError("NOT_FOUND", "gone")),
  }));
  const conn = new WorkerServiceConnection(`127.0.0.1:${server.port}`);
  try {
    assert.deepEqual(await conn.createSession("s1"), FAKE_LIMITS);
    assert.deepEqual(await conn.getLimits(), FAKE_LIMITS);
    await assert.rejects(conn.destroySession("s1"), { code: "NOT_FOUND", message: "gone" });
    await assert.rejects(conn.destroySession("plain"), { code: "INTERNAL", message: "boom" });
  } finally {
    conn.close();
    await server.close();
  }
});

Deno.test("a worker server shut down mid-task yields a retriable WORKER_UNAVAILABLE within 2 s", async () => {
  const server = await startWorkerServiceServer(fakeHandler({
    executeTask: (_s, _t, options) => {
      options.onEvent({ type: "log", stream: "stdout", level: "info", data: "hi" });
      return new Promise(() => {});
    },
  }));
  const conn = new WorkerServiceConnection(`127.0.0.1:${server.port}`);
  try {
    const started = Promise.withResolvers<void>();
    const running = conn.executeTask("s1", TASK, { onEvent: () => started.resolve() });
    await within(started.promise, 5_000);
    const t0 = performance.now();
    await server.close(0);
    const outcome = await within(running, 2_000);
    assert.equal(code(outcome), "WORKER_UNAVAILABLE");
    assert.equal(!outcome.ok && outcome.error.retriable, true);
    assert.ok(performance.now() - t0 < 2_000);
  } finally {
    conn.close();
    await server.close();
  }
});

Deno.test("a worker that is not listening yields WORKER_UNAVAILABLE, not a hang or a throw", async () => {
  const server = await startWorkerServiceServer(fakeHandler());
  const address = `127.0.0.1:${server.port}`;
  await server.close();
  const conn = new WorkerServiceConnection(address, { callTimeoutMs: 3_000 });
  try {
    const outcome = await within(conn.executeTask("s1", TASK), 5_000);
    assert.equal(code(outcome), "WORKER_UNAVAILABLE");
    await assert.rejects(conn.getLimits(), { code: "WORKER_UNAVAILABLE", retriable: true });
  } finally {
    conn.close();
  }
});

Deno.test("closing the connection during a task resolves it as WORKER_UNAVAILABLE", async () => {
  const started = Promise.withResolvers<void>();
  const server = await startWorkerServiceServer(fakeHandler({
    executeTask: () => {
      started.resolve();
      return new Promise(() => {});
    },
  }));
  const conn = new WorkerServiceConnection(`127.0.0.1:${server.port}`);
  try {
    const running = conn.executeTask("s1", TASK);
    await within(started.promise, 5_000);
    conn.close();
    assert.equal(code(await within(running, 2_000)), "WORKER_UNAVAILABLE");
  } finally {
    await server.close(0);
  }
});

Deno.test("a stream that ends without a result is a retriable WORKER_UNAVAILABLE", async () => {
  const implementation: WorkerServiceServer = {
    createSession: (_call, cb) => cb(null, { limits: FAKE_LIMITS }),
    destroySession: (_call, cb) => cb(null, {}),
    cancelTask: (_call, cb) => cb(null, { cancelled: false }),
    getLimits: (_call, cb) => cb(null, FAKE_LIMITS),
    executeTask: (call) => {
      call.write({ event: { $case: "progress", value: { progress: 1 } } });
      call.end();
    },
  };
  const server = await startGrpcServer({
    services: [{ definition: WorkerServiceService, implementation }],
  });
  const conn = new WorkerServiceConnection(`127.0.0.1:${server.port}`);
  try {
    const events: unknown[] = [];
    const outcome = await within(
      conn.executeTask("s1", TASK, { onEvent: (e) => events.push(e) }),
      2_000,
    );
    assert.equal(code(outcome), "WORKER_UNAVAILABLE");
    assert.deepEqual(events, [{ type: "progress", progress: 1 }]);
  } finally {
    conn.close();
    await server.close();
  }
});
