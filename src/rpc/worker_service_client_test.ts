import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import type { FsReadResult } from "./tasks.ts";
import type { TaskStreamRequest } from "./gen/codegen/v1/worker.ts";
import {
  connectTo,
  FAKE_LIMITS,
  fakeHandler,
  outcomeCode,
  serveAndConnect,
  startRawWorkerService,
  within,
} from "./_testing.ts";
import { startWorkerServiceServer } from "./worker_service_server.ts";
import { WorkerServiceConnection } from "./worker_service_client.ts";

const TASK = { tool: "workspace.stats", args: {} } as const;
const STATS_RESULT = { ok: true, result: { workspace_bytes: 1, file_count: 2 } } as const;

Deno.test("session calls return the worker's limits and map errors to project codes", async () => {
  await using service = await serveAndConnect(fakeHandler({
    destroySession: (id) =>
      Promise.reject(id === "plain" ? new Error("boom") : new CodegenError("NOT_FOUND", "gone")),
  }));
  const { conn } = service;
  assert.deepEqual(await conn.createSession("s1"), FAKE_LIMITS);
  assert.deepEqual(await conn.getLimits(), FAKE_LIMITS);
  await assert.rejects(conn.destroySession("s1"), { code: "NOT_FOUND", message: "gone" });
  await assert.rejects(conn.destroySession("plain"), { code: "INTERNAL", message: "boom" });
});

Deno.test("a worker that never answers CreateSession is given up on at its own, shorter deadline", async () => {
  await using service = await serveAndConnect(
    fakeHandler({ createSession: () => new Promise(() => {}) }),
    { createTimeoutMs: 200 },
  );
  const began = performance.now();
  await assert.rejects(service.conn.createSession("s1"), { code: "WORKER_UNAVAILABLE" });
  const took = performance.now() - began;
  assert.ok(took >= 180 && took < 5_000, `${took} ms`);
  assert.deepEqual(await service.conn.getLimits(), FAKE_LIMITS, "other calls keep theirs");
});

// Every task behaviour holds for both ways of sending tasks.
const MODES = [
  { name: "RunTasks stream", settings: {} },
  { name: "ExecuteTask calls", settings: { taskStream: false } },
] as const;

for (const { name, settings } of MODES) {
  Deno.test(`${name}: a worker shut down mid-task yields a retriable WORKER_UNAVAILABLE within 2 s`, async () => {
    await using service = await serveAndConnect(
      fakeHandler({
        executeTask: (_s, _t, options) => {
          options.onEvent({ type: "log", stream: "stdout", level: "info", data: "hi" });
          return new Promise(() => {});
        },
      }),
      settings,
    );
    const { conn, server } = service;
    const started = Promise.withResolvers<void>();
    const running = conn.executeTask("s1", TASK, { onEvent: () => started.resolve() });
    await within(started.promise, 5_000);
    const t0 = performance.now();
    await server.close(0);
    const outcome = await within(running, 2_000);
    assert.equal(outcomeCode(outcome), "WORKER_UNAVAILABLE");
    assert.equal(!outcome.ok && outcome.error.retriable, true);
    assert.ok(performance.now() - t0 < 2_000);
  });

  Deno.test(`${name}: a worker that is not listening yields WORKER_UNAVAILABLE, not a hang`, async () => {
    const server = await startWorkerServiceServer(fakeHandler());
    const address = `127.0.0.1:${server.port}`;
    await server.close();
    const conn = new WorkerServiceConnection(address, { ...settings, callTimeoutMs: 3_000 });
    try {
      const outcome = await within(conn.executeTask("s1", TASK), 5_000);
      assert.equal(outcomeCode(outcome), "WORKER_UNAVAILABLE");
      await assert.rejects(conn.getLimits(), { code: "WORKER_UNAVAILABLE", retriable: true });
    } finally {
      conn.close();
    }
  });

  Deno.test(`${name}: closing the connection during a task resolves it as WORKER_UNAVAILABLE`, async () => {
    const started = Promise.withResolvers<void>();
    await using service = await serveAndConnect(
      fakeHandler({
        executeTask: () => {
          started.resolve();
          return new Promise(() => {});
        },
      }),
      settings,
    );
    const { conn } = service;
    const running = conn.executeTask("s1", TASK);
    await within(started.promise, 5_000);
    conn.close();
    assert.equal(outcomeCode(await within(running, 2_000)), "WORKER_UNAVAILABLE");
  });

  Deno.test(`${name}: a stream that ends without a result is a retriable WORKER_UNAVAILABLE`, async () => {
    const progress = { event: { $case: "progress" as const, value: { progress: 1 } } };
    await using service = connectTo(
      await startRawWorkerService({
        executeTask: (call) => {
          call.write(progress);
          call.end();
        },
        runTasks: (call) => {
          call.on("data", (message: TaskStreamRequest) => {
            const frame = message.frames[0]?.frame;
            if (frame?.$case !== "start") return;
            call.write({ events: [{ task_id: frame.value.task_id, event: progress }] });
            call.end();
          });
        },
      }),
      settings,
    );
    const events: unknown[] = [];
    const outcome = await within(
      service.conn.executeTask("s1", TASK, { onEvent: (e) => events.push(e) }),
      2_000,
    );
    assert.equal(outcomeCode(outcome), "WORKER_UNAVAILABLE");
    assert.equal(!outcome.ok && outcome.error.retriable, true);
    assert.deepEqual(events, [{ type: "progress", progress: 1 }]);
  });

  Deno.test(`${name}: cancelling a task aborts it on the worker and answers CANCELLED at once`, async () => {
    const aborted = Promise.withResolvers<unknown>();
    const started = Promise.withResolvers<void>();
    await using service = await serveAndConnect(
      fakeHandler({
        executeTask: (sessionId, _t, options) => {
          if (sessionId !== "waits") return Promise.resolve(STATS_RESULT);
          started.resolve();
          return new Promise((resolve) => {
            options.signal.addEventListener("abort", () => {
              aborted.resolve(options.signal.reason);
              resolve({ ok: false, error: { code: "CANCELLED", message: "x", retriable: false } });
            });
          });
        },
      }),
      settings,
    );
    const { conn } = service;
    const controller = new AbortController();
    const running = conn.executeTask("waits", TASK, { signal: controller.signal });
    await within(started.promise, 5_000);
    controller.abort();
    assert.equal(outcomeCode(await within(running, 1_000)), "CANCELLED");
    const reason = await within(aborted.promise, 2_000);
    assert.equal((reason as CodegenError).code, "CANCELLED");
    // the connection still serves tasks afterwards
    assert.equal(outcomeCode(await within(conn.executeTask("s1", TASK), 5_000)), "ok");
  });
}

Deno.test("many tasks at once share one RunTasks stream, each with its own events and outcome", async () => {
  await using service = await serveAndConnect(fakeHandler({
    executeTask: async (sessionId, _t, options) => {
      const n = Number(sessionId.slice(1));
      // answer in reverse order of arrival, so outcomes must be matched by task id
      await new Promise((r) => setTimeout(r, 50 - n));
      options.onEvent({ type: "log", stream: "stdout", level: "info", data: sessionId });
      return { ok: true, result: { workspace_bytes: n, file_count: 0 } };
    },
  }));
  const { conn } = service;
  const runs = Array.from({ length: 40 }, (_, n) => {
    const events: string[] = [];
    const outcome = conn.executeTask(`s${n}`, TASK, {
      onEvent: (e) => e.type === "log" && events.push(e.data),
    });
    return outcome.then((o) => ({ n, o, events }));
  });
  for (const { n, o, events } of await within(Promise.all(runs), 10_000)) {
    assert.deepEqual(o, { ok: true, result: { workspace_bytes: n, file_count: 0 } });
    assert.deepEqual(events, [`s${n}`]);
  }
});

Deno.test("a graceful worker shutdown lets running stream tasks finish, then ends the stream", async () => {
  const release = Promise.withResolvers<void>();
  const started = Promise.withResolvers<void>();
  const handler = fakeHandler({
    executeTask: async () => {
      started.resolve();
      await release.promise;
      return { ok: true, result: { workspace_bytes: 7, file_count: 0 } };
    },
  });
  let server = await startWorkerServiceServer(handler);
  const port = server.port;
  const conn = new WorkerServiceConnection(`127.0.0.1:${port}`);
  try {
    const running = conn.executeTask("s1", TASK);
    await within(started.promise, 5_000);
    const closing = server.close(10_000);
    // a task sent while the worker shuts down is refused as retriable, not lost
    const late = await within(conn.executeTask("s1", TASK), 5_000);
    assert.equal(outcomeCode(late), "WORKER_UNAVAILABLE");
    assert.equal(!late.ok && late.error.retriable, true);
    // ...and says the worker is leaving, so the coordinator does not evict it
    assert.equal(!late.ok && late.error.worker_leaving, true);
    release.resolve();
    assert.equal(outcomeCode(await within(running, 5_000)), "ok");
    const t0 = performance.now();
    await within(closing, 5_000);
    // the ended stream does not hold the shutdown for its grace period
    assert.ok(performance.now() - t0 < 2_000, "the idle stream held the shutdown open");
    // a worker back on the same address gets a new stream
    server = await startWorkerServiceServer(handler, { port });
    assert.equal(outcomeCode(await within(conn.executeTask("s1", TASK), 5_000)), "ok");
  } finally {
    conn.close();
    await server.close();
  }
});

Deno.test("an idle RunTasks stream does not hold a graceful shutdown open", async () => {
  await using service = await serveAndConnect(fakeHandler());
  const { conn, server } = service;
  assert.equal(outcomeCode(await within(conn.executeTask("s1", TASK), 5_000)), "ok");
  const t0 = performance.now();
  await within(server.close(10_000), 5_000);
  assert.ok(performance.now() - t0 < 2_000);
});

Deno.test("a task id already running on the stream is refused, the first task unharmed", async () => {
  const release = Promise.withResolvers<void>();
  await using service = await serveAndConnect(fakeHandler({
    executeTask: async () => {
      await release.promise;
      return { ok: true, result: { workspace_bytes: 1, file_count: 0 } };
    },
  }));
  const { conn } = service;
  const first = conn.executeTask("s1", TASK, { taskId: "same" });
  const second = await within(conn.executeTask("s1", TASK, { taskId: "same" }), 5_000);
  assert.equal(outcomeCode(second), "INVALID_ARGUMENT");
  release.resolve();
  assert.equal(outcomeCode(await within(first, 5_000)), "ok");
});

Deno.test("closeWhenIdle lets running tasks finish, refuses new ones, then closes", async () => {
  const release = Promise.withResolvers<void>();
  const started = Promise.withResolvers<void>();
  await using service = await serveAndConnect(
    fakeHandler({
      executeTask: async () => {
        started.resolve();
        await release.promise;
        return STATS_RESULT;
      },
    }),
    { watchdogMs: 20 },
  );
  const { conn } = service;
  const running = conn.executeTask("s1", TASK);
  await within(started.promise, 5_000);
  conn.closeWhenIdle();
  assert.equal(outcomeCode(await conn.executeTask("s1", TASK)), "WORKER_UNAVAILABLE");
  // longer than the watchdog period: the task is not failed for the closing channel
  await new Promise((r) => setTimeout(r, 100));
  release.resolve();
  assert.deepEqual(await within(running, 5_000), STATS_RESULT);
  await assert.rejects(conn.getLimits(), /shut ?down|closed/i);
});

Deno.test("large results keep flowing on one long-lived stream (flow control windows renew)", async () => {
  // far more than any HTTP/2 window: a stream whose window is not renewed would stall
  const contents = "z".repeat(256 * 1024);
  await using service = await serveAndConnect(fakeHandler({
    executeTask: (sessionId) =>
      Promise.resolve({
        ok: true,
        result: { path: sessionId, contents, encoding: "utf-8", size_bytes: 1, truncated: false },
      }),
  }));
  const read = { tool: "fs.read", args: { path: "big.txt" } } as const;
  const check = async (n: number) => {
    const outcome = await service.conn.executeTask(`s${n}`, read);
    const result = outcome.ok ? outcome.result as FsReadResult : undefined;
    assert.ok(result?.contents === contents, `task ${n}`);
    assert.equal(result.path, `s${n}`);
  };
  await within(
    (async () => {
      for (let n = 0; n < 40; n++) await check(n);
      await Promise.all(Array.from({ length: 40 }, (_, n) => check(100 + n)));
    })(),
    30_000,
  );
});
