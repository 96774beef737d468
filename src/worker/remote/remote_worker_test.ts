import assert from "node:assert/strict";
import { WorkerConfigSchema } from "../../config/mod.ts";
import { VERSION } from "../../core/mod.ts";
import {
  type LifecycleHeartbeatRequest,
  type LifecycleRegisterRequest,
  type LifecycleRegistry,
  startLifecycleServer,
  WorkerServiceConnection,
} from "../../rpc/mod.ts";
import { startRemoteWorker, WORKER_TOOLS } from "./remote_worker.ts";
import { GatedExecutor, within } from "./_testing.ts";

const TOKEN = "fleet-token";
const STATS = { tool: "workspace.stats", args: {} } as const;

function config(coordinator: string, overrides: Record<string, unknown> = {}) {
  return WorkerConfigSchema.parse({
    coordinator,
    listen: "127.0.0.1:0",
    workerId: "w1",
    workspaceRoot: "/nonexistent-unused",
    workerToken: TOKEN,
    maxSessions: 2,
    limits: {},
    ...overrides,
  });
}

/** A registry that records what the lifecycle server passes on. */
function stubRegistry(sessionIdleSec?: number) {
  const registered: LifecycleRegisterRequest[] = [];
  const heartbeats: LifecycleHeartbeatRequest[] = [];
  const deregistered: string[] = [];
  const beat = Promise.withResolvers<void>();
  const registry: LifecycleRegistry = {
    register(req) {
      registered.push(req);
      return {
        accepted: true,
        registrationId: `reg-${registered.length}`,
        heartbeatIntervalSec: 30,
        ...(sessionIdleSec === undefined ? {} : { sessionIdleSec }),
      };
    },
    heartbeat(req) {
      heartbeats.push(req);
      beat.resolve();
      return { continueServing: true, commands: [] };
    },
    deregister(req) {
      deregistered.push(`${req.workerId}/${req.registrationId}`);
    },
  };
  return { registry, registered, heartbeats, deregistered, firstHeartbeat: beat.promise };
}

async function fleet(
  overrides: Record<string, unknown> = {},
  sessionIdleMs?: number,
  coordinatorIdleSec?: number,
) {
  const stub = stubRegistry(coordinatorIdleSec);
  const coordinator = await startLifecycleServer({ token: TOKEN, registry: stub.registry });
  const executor = new GatedExecutor();
  const worker = await startRemoteWorker(config(`127.0.0.1:${coordinator.port}`, overrides), {
    executor,
    heartbeatIntervalMs: 20,
    ...(sessionIdleMs === undefined ? {} : { sessionIdleMs }),
  });
  const conn = new WorkerServiceConnection(worker.address, { token: TOKEN });
  return {
    ...stub,
    executor,
    worker,
    conn,
    async [Symbol.asyncDispose]() {
      conn.close();
      await worker.close();
      await coordinator.close();
    },
  };
}

Deno.test("a remote worker registers its bound address, tools and capacity, then heartbeats", async () => {
  await using f = await fleet();
  await within(f.worker.registered, 5_000, "registration");
  assert.match(f.worker.address, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(f.worker.address, "127.0.0.1:0");
  assert.equal(f.registered.length, 1);
  const { tokenFingerprint, ...rest } = f.registered[0]!;
  assert.match(tokenFingerprint, /^[0-9a-f]{64}$/);
  assert.deepEqual(rest, {
    workerId: "w1",
    address: f.worker.address,
    capabilities: { tools: [...WORKER_TOOLS], languages: ["python"], maxSessions: 2 },
    version: VERSION,
  });
  await within(f.firstHeartbeat, 5_000, "first heartbeat");
  assert.deepEqual(f.heartbeats[0], {
    workerId: "w1",
    registrationId: "reg-1",
    state: "ready",
    activeSessions: 0,
    activeTasks: 0,
  });
});

Deno.test("a remote worker advertises the configured address instead of the bound one", async () => {
  await using f = await fleet({ advertise: "worker-1.internal:7000" });
  await within(f.worker.registered, 5_000, "registration");
  assert.equal(f.registered[0]!.address, "worker-1.internal:7000");
  assert.equal(f.worker.advertised, "worker-1.internal:7000");
});

Deno.test("a remote worker refuses sessions past max-sessions with LIMIT_EXCEEDED", async () => {
  await using f = await fleet();
  await f.conn.createSession("a");
  await f.conn.createSession("b");
  await f.conn.createSession("a");
  await assert.rejects(f.conn.createSession("c"), { code: "LIMIT_EXCEEDED" });
  await f.conn.destroySession("a");
  await f.conn.createSession("c");
  assert.deepEqual([...f.executor.sessions].sort(), ["b", "c"]);
});

Deno.test("task events stream to the caller before the result", async () => {
  await using f = await fleet();
  const events: unknown[] = [];
  const running = f.conn.executeTask("s1", STATS, { onEvent: (e) => events.push(e) });
  const task = await within(f.executor.started(), 5_000, "task start");
  task.release();
  const outcome = await running;
  assert.deepEqual(outcome, { ok: true, result: { workspace_bytes: 42, file_count: 1 } });
  assert.deepEqual(events, [{ type: "progress", progress: 1, total: 2, message: "started" }]);
});

Deno.test("aborting the caller's signal cancels the call and aborts the task on the worker", async () => {
  await using f = await fleet();
  const controller = new AbortController();
  const running = f.conn.executeTask("s1", STATS, { signal: controller.signal });
  const task = await within(f.executor.started(), 5_000, "task start");
  controller.abort();
  const outcome = await within(running, 2_000, "cancelled outcome");
  assert.equal(outcome.ok ? "ok" : outcome.error.code, "CANCELLED");
  await within(
    new Promise((resolve) => {
      if (task.signal.aborted) resolve(true);
      task.signal.addEventListener("abort", resolve, { once: true });
    }),
    2_000,
    "worker-side abort",
  );
});

Deno.test("CancelTask aborts the task running under that id", async () => {
  await using f = await fleet();
  const running = f.conn.executeTask("s1", STATS, { taskId: "job-7" });
  await within(f.executor.started(), 5_000, "task start");
  assert.equal(await f.conn.cancelTask("job-7"), true);
  const outcome = await within(running, 2_000, "cancelled outcome");
  assert.equal(outcome.ok ? "ok" : outcome.error.code, "CANCELLED");
  assert.equal(await f.conn.cancelTask("job-7"), false);
});

Deno.test("drain lets a running task finish, refuses new work, then deregisters and stops", async () => {
  await using f = await fleet();
  await within(f.worker.registered, 5_000, "registration");
  const running = f.conn.executeTask("s1", STATS);
  const task = await within(f.executor.started(), 5_000, "task start");
  const draining = f.worker.drain(30_000);
  // each refusal says the worker is leaving (so the coordinator does not evict it), over
  // a status with trailing metadata and over a task error, on both ways of sending tasks
  await assert.rejects(f.conn.createSession("new"), {
    code: "WORKER_UNAVAILABLE",
    retriable: true,
    workerLeaving: true,
  });
  const calls = new WorkerServiceConnection(f.worker.address, { token: TOKEN, taskStream: false });
  try {
    for (const conn of [f.conn, calls]) {
      const refused = await conn.executeTask("s1", STATS);
      assert.ok(!refused.ok);
      assert.equal(refused.error.code, "WORKER_UNAVAILABLE");
      assert.equal(refused.error.worker_leaving, true);
    }
  } finally {
    calls.close();
  }
  assert.deepEqual(f.deregistered, []);
  task.release();
  assert.equal((await running).ok, true);
  await within(draining, 5_000, "drain");
  assert.deepEqual(f.deregistered, ["w1/reg-1"]);
  assert.ok(f.heartbeats.some((h) => h.state === "draining"));
  await assert.rejects(f.conn.getLimits(), { code: "WORKER_UNAVAILABLE" });
});

Deno.test("drain cancels tasks still running when the grace period ends", async () => {
  await using f = await fleet();
  await within(f.worker.registered, 5_000, "registration");
  const running = f.conn.executeTask("s1", STATS);
  const task = await within(f.executor.started(), 5_000, "task start");
  await within(f.worker.drain(50), 5_000, "drain");
  assert.equal(task.signal.aborted, true);
  const outcome = await running;
  // not the caller's cancel: the worker went away, so another worker may run it
  assert.ok(!outcome.ok);
  assert.equal(outcome.error.code, "WORKER_UNAVAILABLE");
  assert.equal(outcome.error.retriable, true);
  assert.match(outcome.error.message, /worker "w1" is shutting down/);
  assert.equal(outcome.error.worker_leaving, true);
  assert.deepEqual(f.deregistered, ["w1/reg-1"]);
});

Deno.test("a session unused for the idle time is removed and frees its slot; a busy one stays", async () => {
  await using f = await fleet({ maxSessions: 2 }, 40);
  await f.conn.createSession("idle");
  const running = f.conn.executeTask("busy", STATS);
  const task = await within(f.executor.started(), 5_000, "task start");
  assert.equal(await within(f.executor.nextDestroyed(), 5_000, "idle removal"), "idle");
  await f.conn.createSession("new");
  assert.ok(!f.executor.sessions.has("idle"));
  task.release();
  assert.equal((await running).ok, true);
});

Deno.test("a remote worker removes sessions unused for the idle time the coordinator gave at registration", async () => {
  await using f = await fleet({ maxSessions: 1 }, undefined, 1);
  await within(f.worker.registered, 5_000, "registration");
  // a session the coordinator forgot (it restarted): nothing will ever end it
  await f.conn.createSession("forgotten");
  await assert.rejects(f.conn.createSession("new"), { code: "LIMIT_EXCEEDED" });
  assert.equal(await within(f.executor.nextDestroyed(), 5_000, "idle removal"), "forgotten");
  await f.conn.createSession("new");
  assert.deepEqual([...f.executor.sessions], ["new"]);
});
