import assert from "node:assert/strict";
import { FakeClock } from "../../core/mod.ts";
import {
  LifecycleConnection,
  type LifecycleHeartbeatRequest,
  type LifecycleRegisterResponse,
  startLifecycleServer,
} from "../../rpc/mod.ts";
import { within } from "./_testing.ts";
import { type LifecycleCalls, Registration } from "./registration.ts";
import { WorkerLoad } from "./worker_load.ts";

const REGISTRATION = {
  workerId: "w1",
  address: "127.0.0.1:5",
  capabilities: { tools: ["fs.read"], languages: ["python"], maxSessions: 3 },
  version: "0.1.0",
};

/** Scripted coordinator: answers from queues and lets a test wait for the n-th call. */
function fakeCoordinator(registerAnswers: (LifecycleRegisterResponse | Error)[]) {
  const calls: string[] = [];
  const heartbeats: LifecycleHeartbeatRequest[] = [];
  const waiters: { n: number; kind: string; resolve: () => void }[] = [];
  let continueServing = true;
  let liveSessionIds: string[] = [];
  function record(kind: string) {
    calls.push(kind);
    const count = calls.filter((c) => c === kind).length;
    for (const w of waiters.filter((w) => w.kind === kind && w.n <= count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  }
  const lifecycle: LifecycleCalls = {
    register() {
      record("register");
      const answer = registerAnswers.shift() ??
        { accepted: true, registrationId: `r${calls.length}`, heartbeatIntervalSec: 30 };
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    heartbeat(req) {
      heartbeats.push(req);
      record("heartbeat");
      return Promise.resolve({ continueServing, commands: [], liveSessionIds });
    },
    deregister() {
      record("deregister");
      return Promise.resolve();
    },
  };
  return {
    lifecycle,
    calls,
    heartbeats,
    setContinueServing(value: boolean) {
      continueServing = value;
    },
    setLiveSessions(ids: string[]) {
      liveSessionIds = ids;
    },
    /** Resolves at the n-th call of `kind`; fails after 5 s so no test hangs. */
    waitFor(kind: string, n: number): Promise<void> {
      if (calls.filter((c) => c === kind).length >= n) return Promise.resolve();
      const { promise, resolve, reject } = Promise.withResolvers<void>();
      const timer = setTimeout(() => reject(new Error(`no ${kind} #${n}: ${calls}`)), 5_000);
      waiters.push({ n, kind, resolve: () => (clearTimeout(timer), resolve()) });
      return promise;
    },
  };
}

function start(coordinator: ReturnType<typeof fakeCoordinator>, load = new WorkerLoad(3)) {
  const registration = new Registration({
    calls: coordinator.lifecycle,
    registration: REGISTRATION,
    load,
    heartbeatIntervalMs: 1,
    backoff: { initialMs: 1, maxMs: 4 },
  });
  registration.start();
  return registration;
}

Deno.test("registration retries with backoff through errors and refusals until accepted", async () => {
  const coordinator = fakeCoordinator([
    new Error("connection refused"),
    { accepted: false, reason: "busy" },
    { accepted: true, registrationId: "reg-9", heartbeatIntervalSec: 30 },
  ]);
  const registration = start(coordinator);
  try {
    await registration.accepted;
    assert.equal(registration.registrationId, "reg-9");
    assert.deepEqual(coordinator.calls.slice(0, 3), ["register", "register", "register"]);
  } finally {
    await registration.stop();
  }
});

Deno.test("heartbeats report the worker's state and load under its registration id", async () => {
  const coordinator = fakeCoordinator([]);
  const load = new WorkerLoad(3);
  load.admitSession("s1");
  const task = load.beginTask("s1", "t1", new AbortController().signal);
  const registration = start(coordinator, load);
  try {
    await coordinator.waitFor("heartbeat", 2);
    assert.deepEqual(coordinator.heartbeats[0], {
      workerId: "w1",
      registrationId: "r1",
      state: "ready",
      activeSessions: 1,
      activeTasks: 1,
    });
  } finally {
    task.end();
    await registration.stop();
  }
});

Deno.test("sessions the coordinator still serves are counted as used at each heartbeat", async () => {
  const clock = new FakeClock();
  const coordinator = fakeCoordinator([]);
  const load = new WorkerLoad(3, { clock });
  load.admitSession("live");
  load.admitSession("gone");
  clock.advance(10_000);
  coordinator.setLiveSessions(["live", "unknown"]);
  const registration = start(coordinator, load);
  try {
    await coordinator.waitFor("heartbeat", 2);
    // "live" was refreshed by the heartbeat's answer; "unknown" was never hosted here
    assert.deepEqual(load.idleSessions(5_000), ["gone"]);
    assert.equal(load.activeSessions, 2);
  } finally {
    await registration.stop();
  }
});

Deno.test("a coordinator that no longer knows the worker makes it register again", async () => {
  const coordinator = fakeCoordinator([]);
  const registration = start(coordinator);
  try {
    await coordinator.waitFor("heartbeat", 1);
    coordinator.setContinueServing(false);
    await coordinator.waitFor("register", 2);
    coordinator.setContinueServing(true);
    await coordinator.waitFor("heartbeat", 3);
    assert.ok(registration.registrationId?.startsWith("r"));
  } finally {
    await registration.stop();
  }
});

Deno.test("deregister stops the loop and tells the coordinator once", async () => {
  const coordinator = fakeCoordinator([]);
  const registration = start(coordinator);
  await registration.accepted;
  await registration.deregister();
  await registration.deregister();
  assert.equal(coordinator.calls.filter((c) => c === "deregister").length, 1);
  assert.equal(registration.registrationId, undefined);
});

/** A coordinator's lifecycle listener that knows no worker until one registers with it. */
async function freshCoordinator(port: number) {
  const registered = Promise.withResolvers<void>();
  const known = new Set<string>();
  const server = await startLifecycleServer({
    port,
    registry: {
      register(req) {
        known.add(req.workerId);
        registered.resolve();
        return { accepted: true, registrationId: `r-${port}`, heartbeatIntervalSec: 30 };
      },
      heartbeat: (req) => ({ continueServing: known.has(req.workerId), commands: [] }),
      deregister: () => {},
    },
  });
  return { server, registered: registered.promise };
}

Deno.test("a worker whose heartbeat failed is back with a restarted coordinator well within its interval", async () => {
  const first = await freshCoordinator(0);
  const port = first.server.port;
  const connection = new LifecycleConnection(`127.0.0.1:${port}`, { callTimeoutMs: 2_000 });
  const failed = Promise.withResolvers<void>();
  const calls: LifecycleCalls = {
    register: (req) => connection.register(req),
    heartbeat: (req) =>
      connection.heartbeat(req).catch((err) => {
        failed.resolve();
        throw err;
      }),
    deregister: (req) => connection.deregister(req),
  };
  const intervalMs = 3_000;
  const registration = new Registration({
    calls,
    registration: REGISTRATION,
    load: new WorkerLoad(3),
    heartbeatIntervalMs: intervalMs,
  });
  let second: Awaited<ReturnType<typeof freshCoordinator>> | undefined;
  try {
    registration.start();
    await within(registration.accepted, 5_000, "the first registration");
    await first.server.close();
    await within(failed.promise, intervalMs + 5_000, "a heartbeat to the stopped coordinator");
    // the same port, a registry that has never heard of the worker
    second = await freshCoordinator(port);
    const restartedAt = performance.now();
    await within(second.registered, intervalMs + 5_000, "registering again");
    const tookMs = performance.now() - restartedAt;
    // before, the worker waited a whole interval after the failed heartbeat
    assert.ok(tookMs < intervalMs / 2, `registered again after ${Math.round(tookMs)} ms`);
  } finally {
    await registration.stop();
    connection.close();
    await second?.server.close();
  }
});

Deno.test("a coordinator that restarted between heartbeats has the worker back without waiting for the next", async () => {
  const first = await freshCoordinator(0);
  const port = first.server.port;
  const connection = new LifecycleConnection(`127.0.0.1:${port}`, { callTimeoutMs: 2_000 });
  const intervalMs = 60_000; // far longer than the test may wait
  const registration = new Registration({
    calls: connection,
    registration: REGISTRATION,
    load: new WorkerLoad(3),
    heartbeatIntervalMs: intervalMs,
  });
  let second: Awaited<ReturnType<typeof freshCoordinator>> | undefined;
  try {
    registration.start();
    await within(registration.accepted, 5_000, "the first registration");
    await first.server.close();
    second = await freshCoordinator(port);
    await within(second.registered, 10_000, "registering with the restarted coordinator");
  } finally {
    await registration.stop();
    connection.close();
    await second?.server.close();
  }
});
