import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { WorkerRegistry } from "./mod.ts";
import { fakeRegistry, mustRegister, registration, TIMEOUT_MS } from "./_testing.ts";

function removals(registry: WorkerRegistry): Array<[string, string[]]> {
  const seen: Array<[string, string[]]> = [];
  registry.onWorkerRemoved((workerId, sessions) => seen.push([workerId, sessions.sort()]));
  return seen;
}

Deno.test("WorkerRegistry.register() accepts a worker and shows it in a read-only snapshot", () => {
  const { registry, clock } = fakeRegistry();
  const req = registration("w1", 8);
  assert.deepEqual(registry.register(req), {
    accepted: true,
    registrationId: "reg-1",
    heartbeatIntervalSec: 30,
  });
  req.capabilities.tools.push("changed-after");
  const info = registry.get("w1");
  assert.deepEqual(info, {
    id: "w1",
    address: "w1.workers:50051",
    state: "ready",
    capabilities: { tools: ["run.python", "fs.read"], languages: ["python"], maxSessions: 8 },
    reserved: 0,
    reportedActiveSessions: 0,
    activeTasks: 0,
    lastHeartbeatMs: clock.now(),
    version: "0.1.0",
  });
  assert.ok(Object.isFrozen(info) && Object.isFrozen(info?.capabilities.tools));
  assert.equal(registry.size, 1);
});

Deno.test("WorkerRegistry tells workers to heartbeat at least three times per timeout", () => {
  const registry = new WorkerRegistry({ clock: new FakeClock(), heartbeatTimeoutMs: 30_000 });
  const res = registry.register(registration("w1"));
  assert.ok(res.accepted);
  assert.equal(res.heartbeatIntervalSec, 10);
  assert.throws(() => new WorkerRegistry({ heartbeatTimeoutMs: 0 }), { code: "CONFIG_INVALID" });
});

Deno.test("WorkerRegistry.register() refuses invalid input and leaves the registry unchanged", () => {
  const { registry } = fakeRegistry();
  const res = registry.register(registration("w1", 0));
  assert.equal(res.accepted, false);
  assert.equal(registry.size, 0);
});

Deno.test("WorkerRegistry.register() refuses a live id presented with a different token", () => {
  const { registry } = fakeRegistry();
  const seen = removals(registry);
  const registrationId = mustRegister(registry, "w1");
  registry.reserve("s1");
  const res = registry.register(registration("w1", 4, { tokenFingerprint: "fingerprint-b" }));
  assert.deepEqual(res, {
    accepted: false,
    reason: 'Worker id "w1" is already registered with a different token',
  });
  assert.equal(registry.workerOf("s1"), "w1");
  assert.equal(registry.heartbeat({ ...beat("w1", registrationId) }).continueServing, true);
  assert.deepEqual(seen, []);
});

Deno.test("WorkerRegistry.register() treats the same token as a restart and drops lost sessions", () => {
  const { registry } = fakeRegistry();
  const seen = removals(registry);
  const first = mustRegister(registry, "w1", 2);
  registry.reserve("s1");
  registry.reserve("s2");
  const second = mustRegister(registry, "w1", 2, { address: "moved:50051" });
  assert.notEqual(second, first);
  assert.deepEqual(seen, [["w1", ["s1", "s2"]]]);
  assert.equal(registry.workerOf("s1"), undefined);
  assert.equal(registry.get("w1")?.reserved, 0);
  assert.equal(registry.heartbeat(beat("w1", first)).continueServing, false);
  assert.deepEqual(registry.reserve("s3"), { ok: true, workerId: "w1", address: "moved:50051" });
});

Deno.test("WorkerRegistry lets another token take an id once its worker has expired", () => {
  const { registry, clock } = fakeRegistry();
  mustRegister(registry, "w1");
  clock.advance(TIMEOUT_MS + 1);
  const res = registry.register(registration("w1", 4, { tokenFingerprint: "fingerprint-b" }));
  assert.equal(res.accepted, true);
});

Deno.test("WorkerRegistry.register() refuses a live worker's address however it is spelled", () => {
  const { registry } = fakeRegistry();
  mustRegister(registry, "w1", 2, { address: "127.0.0.1:50051" });
  for (
    const [i, address] of ["localhost:50051", "127.0.0.1:050051", "[::ffff:127.0.0.1]:50051"]
      .entries()
  ) {
    const res = registry.register(registration(`ghost${i}`, 2, { address }));
    assert.equal(res.accepted, false, address);
  }
  assert.equal(
    registry.register(registration("w2", 2, { address: "127.0.0.1:50052" })).accepted,
    true,
  );
});

Deno.test("WorkerRegistry.register() refuses a second worker at a live worker's address", () => {
  const { registry, clock } = fakeRegistry();
  const seen = removals(registry);
  const w1 = mustRegister(registry, "w1", 2, { address: "shared:50051" });
  registry.reserve("s1");
  // a copied WORKER_ADVERTISE: calls for w2 would reach w1
  const refused = registry.register(registration("w2", 2, { address: "shared:50051" }));
  assert.deepEqual(refused, {
    accepted: false,
    reason: 'Address "shared:50051" is already registered by worker "w1"; ' +
      "set --advertise (WORKER_ADVERTISE) to this worker's own address",
  });
  assert.equal(registry.get("w2"), undefined);
  // still refused while w1 heartbeats (every 30 s here)
  clock.advance(50_000);
  registry.heartbeat(beat("w1", w1));
  clock.advance(50_000);
  assert.equal(
    registry.register(registration("w2", 2, { address: "shared:50051" })).accepted,
    false,
  );
  assert.deepEqual(seen, []);
});

Deno.test("WorkerRegistry.register() gives a silent worker's address to the worker now answering there", () => {
  const { registry, clock } = fakeRegistry();
  const seen = removals(registry);
  mustRegister(registry, "old", 2, { address: "reused:50051" });
  registry.reserve("s1");
  // two heartbeat intervals without a word, though not yet swept
  clock.advance(60_001);
  mustRegister(registry, "new", 2, { address: "reused:50051" });
  assert.equal(registry.get("old"), undefined, "its sessions could not be reached there");
  assert.deepEqual(seen, [["old", ["s1"]]]);
  assert.equal(registry.get("new")?.address, "reused:50051");
  // and the address is free again once its worker leaves
  registry.evict("new", "test");
  mustRegister(registry, "third", 2, { address: "reused:50051" });
});

function beat(workerId: string, registrationId: string) {
  return { workerId, registrationId, state: "ready" as const, activeSessions: 0, activeTasks: 0 };
}

Deno.test("WorkerRegistry.heartbeat() asks unknown or superseded workers to register again", () => {
  const { registry } = fakeRegistry();
  const stale = { continueServing: false, commands: [] };
  assert.deepEqual(registry.heartbeat(beat("ghost", "reg-1")), stale);
  const registrationId = mustRegister(registry, "w1");
  assert.deepEqual(registry.heartbeat(beat("w1", "reg-old")), stale);
  assert.deepEqual(registry.heartbeat(beat("w1", registrationId)), {
    continueServing: true,
    commands: [],
    liveSessionIds: [],
  });
});

Deno.test("WorkerRegistry.heartbeat() names the sessions placed on the worker, which it keeps", () => {
  const { registry } = fakeRegistry();
  const w1 = mustRegister(registry, "w1");
  for (const id of ["s1", "s2", "s3"]) assert.ok(registry.reserve(id).ok);
  registry.release("s2");
  const answer = registry.heartbeat(beat("w1", w1));
  assert.deepEqual(answer.liveSessionIds?.sort(), ["s1", "s3"]);
});

Deno.test("WorkerRegistry.heartbeat() records last-seen time and reported load", () => {
  const { registry, clock } = fakeRegistry();
  const registrationId = mustRegister(registry, "w1");
  clock.advance(5_000);
  registry.heartbeat({ ...beat("w1", registrationId), activeSessions: 3, activeTasks: 2 });
  const info = registry.get("w1");
  assert.equal(info?.lastHeartbeatMs, clock.now());
  assert.equal(info?.reportedActiveSessions, 3);
  assert.equal(info?.activeTasks, 2);
  registry.heartbeat({ ...beat("w1", registrationId), activeSessions: -4, activeTasks: 0.5 });
  assert.equal(registry.get("w1")?.reportedActiveSessions, 0);
  assert.equal(registry.get("w1")?.activeTasks, 0);
});

Deno.test("WorkerRegistry.sweep() removes exactly the workers silent past the timeout", () => {
  const { registry, clock } = fakeRegistry();
  const seen = removals(registry);
  const ids = ["w1", "w2", "w3"].map((id) => mustRegister(registry, id, 2));
  for (const session of ["s1", "s2", "s3", "s4", "s5"]) registry.reserve(session);
  const w2Sessions = ["s1", "s2", "s3", "s4", "s5"].filter((s) => registry.workerOf(s) === "w2");
  clock.advance(40_000);
  registry.heartbeat(beat("w1", ids[0]!));
  registry.heartbeat(beat("w3", ids[2]!));
  clock.advance(TIMEOUT_MS - 40_000);
  assert.deepEqual(registry.sweep(), [], "silent for exactly the timeout is not yet stale");
  clock.advance(1);
  assert.deepEqual(registry.sweep(), ["w2"]);
  assert.deepEqual(seen, [["w2", w2Sessions.sort()]]);
  assert.equal(w2Sessions.length, 2);
  assert.deepEqual(registry.list().map((w) => w.id), ["w1", "w3"]);
  for (const session of w2Sessions) assert.equal(registry.workerOf(session), undefined);
  assert.equal(registry.heartbeat(beat("w2", ids[1]!)).continueServing, false);
});

Deno.test("WorkerRegistry.reserve() never places a session on a worker that went silent", () => {
  const { registry, clock } = fakeRegistry();
  const seen = removals(registry);
  mustRegister(registry, "big", 100);
  clock.advance(30_000);
  mustRegister(registry, "small", 1);
  clock.advance(TIMEOUT_MS - 29_999);
  assert.deepEqual(registry.reserve("s1"), {
    ok: true,
    workerId: "small",
    address: "small.workers:50051",
  });
  assert.deepEqual(seen, [["big", []]]);
});

Deno.test("WorkerRegistry.deregister() removes the worker and reports its sessions", () => {
  const { registry } = fakeRegistry();
  const seen = removals(registry);
  const registrationId = mustRegister(registry, "w1");
  registry.reserve("s1");
  registry.deregister({ workerId: "w1", registrationId: "reg-old" });
  assert.equal(registry.size, 1, "a stale registration id cannot remove the worker");
  registry.deregister({ workerId: "w1", registrationId });
  assert.equal(registry.size, 0);
  assert.equal(registry.get("w1"), undefined);
  assert.deepEqual(seen, [["w1", ["s1"]]]);
  assert.deepEqual(registry.reserve("s2"), { ok: false, reason: "No worker is registered" });
});

Deno.test("WorkerRegistry.onWorkerRemoved() unsubscribes, and one failing listener spares the rest", () => {
  const { registry } = fakeRegistry();
  const calls: string[] = [];
  registry.onWorkerRemoved(() => {
    throw new Error("listener bug");
  });
  const stop = registry.onWorkerRemoved((id) => calls.push(`first:${id}`));
  registry.onWorkerRemoved((id) => calls.push(`second:${id}`));
  registry.deregister({ workerId: "w1", registrationId: mustRegister(registry, "w1") });
  stop();
  registry.deregister({ workerId: "w2", registrationId: mustRegister(registry, "w2") });
  assert.deepEqual(calls, ["first:w1", "second:w1", "second:w2"]);
});

Deno.test("WorkerRegistry.healthyCount() counts ready workers heard from within the timeout", () => {
  const { registry, clock } = fakeRegistry();
  mustRegister(registry, "w1");
  const w2 = mustRegister(registry, "w2");
  mustRegister(registry, "w3");
  registry.heartbeat({ ...beat("w2", w2), state: "draining" });
  assert.equal(registry.healthyCount(), 2);
  clock.advance(TIMEOUT_MS + 1);
  assert.equal(registry.healthyCount(), 0);
  assert.equal(registry.size, 3, "counting does not remove anyone");
});

Deno.test("WorkerRegistry.evict() removes an unreachable worker at once and reports its sessions", () => {
  const clock = new FakeClock();
  const registry = new WorkerRegistry({ clock, heartbeatTimeoutMs: 300_000 });
  const a = registry.register({
    workerId: "a",
    tokenFingerprint: "t",
    address: "127.0.0.1:1",
    capabilities: { tools: [], languages: [], maxSessions: 5 },
    version: "1",
  });
  registry.register({
    workerId: "b",
    tokenFingerprint: "t",
    address: "127.0.0.1:2",
    capabilities: { tools: [], languages: [], maxSessions: 1 },
    version: "1",
  });
  const first = registry.reserve("s1");
  assert.ok(first.ok && first.workerId === "a");
  const removed: [string, string[]][] = [];
  registry.onWorkerRemoved((id, sessions) => removed.push([id, sessions]));

  assert.deepEqual(registry.evict("a", "connection lost"), ["s1"]);
  assert.deepEqual(removed, [["a", ["s1"]]]);
  assert.equal(registry.get("a"), undefined);
  const next = registry.reserve("s2");
  assert.ok(next.ok && next.workerId === "b", "new sessions go to the reachable worker");
  // the evicted worker, if alive, is told to register again
  assert.ok(a.accepted);
  if (a.accepted) {
    const hb = registry.heartbeat({
      workerId: "a",
      registrationId: a.registrationId,
      state: "ready",
      activeSessions: 0,
      activeTasks: 0,
    });
    assert.equal(hb.continueServing, false);
  }
});

Deno.test("WorkerRegistry.register() tells workers how long to keep unused sessions, when set", () => {
  const registry = new WorkerRegistry({
    clock: new FakeClock(),
    heartbeatTimeoutMs: TIMEOUT_MS,
    sessionIdleMs: 65 * 60_000 + 1,
  });
  const res = registry.register(registration("w1"));
  assert.ok(res.accepted);
  assert.equal(res.sessionIdleSec, 65 * 60 + 1);
  assert.throws(() => new WorkerRegistry({ heartbeatTimeoutMs: 1, sessionIdleMs: 0 }), {
    code: "CONFIG_INVALID",
  });
});
