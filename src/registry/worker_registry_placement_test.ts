import assert from "node:assert/strict";
import fc from "fast-check";
import type { WorkerRegistry } from "./mod.ts";
import { fakeRegistry, mustRegister } from "./_testing.ts";

function placeAll(registry: WorkerRegistry, sessions: string[]): string[] {
  return sessions.map((session) => {
    const res = registry.reserve(session);
    return res.ok ? res.workerId : `refused: ${res.reason}`;
  });
}

function drain(registry: WorkerRegistry, workerId: string, registrationId: string): void {
  registry.heartbeat({
    workerId,
    registrationId,
    state: "draining",
    activeSessions: 0,
    activeTasks: 0,
  });
}

Deno.test("WorkerRegistry.reserve() picks the most free worker, then fewest reserved, then id", () => {
  const { registry } = fakeRegistry();
  mustRegister(registry, "a", 2);
  mustRegister(registry, "b", 5);
  mustRegister(registry, "c", 3);
  const sessions = Array.from({ length: 11 }, (_, i) => `s${i}`);
  assert.deepEqual(placeAll(registry, sessions), [
    "b",
    "b",
    "c", // b and c both have 3 free; c has fewer reserved
    "b",
    "a", // all have 2 free; a has fewest reserved
    "c",
    "b",
    "a",
    "c",
    "b",
    "refused: Every ready worker is full: 10 of 10 session slots reserved on 3 workers",
  ]);
});

Deno.test("WorkerRegistry.reserve() breaks a full tie by worker id", () => {
  const { registry } = fakeRegistry();
  for (const id of ["w-3", "w-1", "w-2"]) mustRegister(registry, id, 1);
  assert.deepEqual(placeAll(registry, ["s1", "s2", "s3"]), ["w-1", "w-2", "w-3"]);
});

Deno.test("WorkerRegistry.reserve() never oversubscribes under a burst of 100 new sessions", () => {
  const { registry } = fakeRegistry();
  const max = new Map([["w10", 10], ["w20", 20], ["w30", 30]]);
  for (const [id, slots] of max) mustRegister(registry, id, slots);
  const placed = new Map<string, number>();
  const refusals: string[] = [];
  for (let i = 0; i < 100; i++) {
    const res = registry.reserve(`burst-${i}`);
    if (!res.ok) {
      refusals.push(res.reason);
      continue;
    }
    placed.set(res.workerId, (placed.get(res.workerId) ?? 0) + 1);
    assert.ok(
      placed.get(res.workerId)! <= max.get(res.workerId)!,
      `${res.workerId} oversubscribed`,
    );
    assert.equal(registry.workerOf(`burst-${i}`), res.workerId);
  }
  assert.deepEqual(Object.fromEntries(placed), { w10: 10, w20: 20, w30: 30 });
  assert.equal(refusals.length, 40);
  assert.deepEqual(
    new Set(refusals),
    new Set(["Every ready worker is full: 60 of 60 session slots reserved on 3 workers"]),
  );
  assert.deepEqual(registry.list().map((w) => w.reserved), [10, 20, 30]);
  assert.equal(registry.hasCapacity(), false);
});

Deno.test("WorkerRegistry keeps reservations when a heartbeat reports fewer active sessions", () => {
  const { registry } = fakeRegistry();
  const registrationId = mustRegister(registry, "w1", 2);
  placeAll(registry, ["s1", "s2"]);
  registry.heartbeat({
    workerId: "w1",
    registrationId,
    state: "ready",
    activeSessions: 0,
    activeTasks: 0,
  });
  assert.equal(registry.reserve("s3").ok, false);
  assert.equal(registry.get("w1")?.reserved, 2);
});

Deno.test("WorkerRegistry.reserve() returns the same worker for a session already placed", () => {
  const { registry } = fakeRegistry();
  mustRegister(registry, "w1", 1);
  mustRegister(registry, "w2", 1);
  assert.deepEqual(placeAll(registry, ["s1", "s1", "s2"]), ["w1", "w1", "w2"]);
  assert.deepEqual(registry.reserve(""), { ok: false, reason: "Missing session id" });
});

Deno.test("WorkerRegistry gives draining workers no new sessions but keeps their existing ones", () => {
  const { registry } = fakeRegistry();
  const big = mustRegister(registry, "big", 10);
  mustRegister(registry, "small", 1);
  registry.reserve("s1");
  drain(registry, "big", big);
  assert.equal(registry.get("big")?.state, "draining");
  assert.equal(registry.workerOf("s1"), "big");
  assert.deepEqual(placeAll(registry, ["s2", "s3"]), [
    "small",
    "refused: Every ready worker is full: 1 of 1 session slots reserved on 1 worker; " +
    "1 more is draining",
  ]);
  registry.release("s2");
  drain(registry, "small", mustRegister(registry, "small", 1));
  assert.deepEqual(placeAll(registry, ["s4"]), ["refused: No worker is ready: all 2 are draining"]);
  registry.heartbeat({
    workerId: "big",
    registrationId: big,
    state: "ready",
    activeSessions: 1,
    activeTasks: 0,
  });
  assert.deepEqual(placeAll(registry, ["s5"]), ["big"]);
  assert.equal(registry.get("big")?.reserved, 2);
});

Deno.test("WorkerRegistry.markDraining() stops placement on a worker without counting its slots as full", () => {
  const { registry } = fakeRegistry();
  const leaving = mustRegister(registry, "leaving", 5);
  mustRegister(registry, "w2", 1);
  registry.markDraining("leaving");
  registry.markDraining("unknown");
  assert.equal(registry.get("leaving")?.state, "draining");
  assert.deepEqual(placeAll(registry, ["s1", "s2"]), [
    "w2",
    "refused: Every ready worker is full: 1 of 1 session slots reserved on 1 worker; " +
    "1 more is draining",
  ]);
  // a heartbeat saying ready (it stayed after all) makes it eligible again
  registry.heartbeat({
    workerId: "leaving",
    registrationId: leaving,
    state: "ready",
    activeSessions: 0,
    activeTasks: 0,
  });
  assert.deepEqual(placeAll(registry, ["s3"]), ["leaving"]);
});

Deno.test("WorkerRegistry.reserveOn() takes a slot on one worker, counting a slot it reports as possibly the session's", () => {
  const { registry } = fakeRegistry();
  const full = mustRegister(registry, "full", 1);
  mustRegister(registry, "other", 4);
  // "full" reports one session this registry did not place: maybe the one coming back
  registry.heartbeat({
    workerId: "full",
    registrationId: full,
    state: "ready",
    activeSessions: 1,
    activeTasks: 0,
  });
  assert.equal(registry.reserveOn("s1", "full"), true);
  assert.equal(registry.workerOf("s1"), "full");
  assert.equal(registry.reserveOn("s1", "full"), true, "idempotent");
  assert.equal(registry.reserveOn("s1", "other"), false, "reserved elsewhere already");
  assert.equal(registry.reserveOn("s2", "full"), false, "no room and nothing unplaced");
  assert.equal(registry.reserveOn("s2", "unknown"), false);
  registry.markDraining("other");
  assert.equal(registry.reserveOn("s2", "other"), false, "a draining worker takes none");
  assert.deepEqual(placeAll(registry, ["s3"]), [
    "refused: Every ready worker is full: 1 of 1 session slots reserved on 1 worker; " +
    "1 more is draining",
  ]);
});

Deno.test("WorkerRegistry.release() frees the slot once, and only for a placed session", () => {
  const { registry } = fakeRegistry();
  mustRegister(registry, "w1", 2);
  placeAll(registry, ["s1", "s2"]);
  registry.release("s1");
  registry.release("s1");
  registry.release("never-placed");
  assert.equal(registry.workerOf("s1"), undefined);
  assert.equal(registry.get("w1")?.reserved, 1);
  assert.deepEqual(placeAll(registry, ["s3", "s4"]), [
    "w1",
    "refused: Every ready worker is full: 2 of 2 session slots reserved on 1 worker",
  ]);
});

Deno.test("WorkerRegistry placement keeps its invariants under random operations", () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constant("register" as const),
      w: fc.nat(4),
      max: fc.integer({ min: 1, max: 4 }),
    }),
    fc.record({ kind: fc.constant("reserve" as const), s: fc.nat(30) }),
    fc.record({ kind: fc.constant("release" as const), s: fc.nat(30) }),
    fc.record({ kind: fc.constant("state" as const), w: fc.nat(4), draining: fc.boolean() }),
    fc.record({ kind: fc.constant("deregister" as const), w: fc.nat(4) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
    const { registry } = fakeRegistry();
    const regs = new Map<string, string>();
    for (const step of ops) {
      const before = registry.list();
      if (step.kind === "register") {
        regs.set(`w${step.w}`, mustRegister(registry, `w${step.w}`, step.max));
      } else if (step.kind === "reserve") {
        const placedAlready = registry.workerOf(`s${step.s}`);
        const res = registry.reserve(`s${step.s}`);
        const free = before.filter((w) => w.state === "ready")
          .map((w) => w.capabilities.maxSessions - w.reserved);
        const mostFree = Math.max(0, ...free);
        if (placedAlready !== undefined) assert.equal(res.ok && res.workerId, placedAlready);
        else if (mostFree === 0) assert.equal(res.ok, false);
        else {
          assert.ok(res.ok);
          const chosen = before.find((w) => w.id === res.workerId)!;
          assert.equal(chosen.state, "ready");
          assert.equal(chosen.capabilities.maxSessions - chosen.reserved, mostFree);
        }
      } else if (step.kind === "release") {
        registry.release(`s${step.s}`);
      } else {
        const id = `w${step.w}`;
        const registrationId = regs.get(id) ?? "none";
        if (step.kind === "deregister") registry.deregister({ workerId: id, registrationId });
        else {
          const state = step.draining ? "draining" : "ready";
          registry.heartbeat({
            workerId: id,
            registrationId,
            state,
            activeSessions: 0,
            activeTasks: 0,
          });
        }
      }
      for (const w of registry.list()) assert.ok(w.reserved <= w.capabilities.maxSessions);
    }
  }));
});

Deno.test("WorkerRegistry counts sessions a worker reports beyond those reserved here as taken", () => {
  const { registry } = fakeRegistry();
  // a coordinator that restarted: w1 still hosts two sessions of the previous one
  const w1 = mustRegister(registry, "w1", 3);
  const beat = (activeSessions: number) =>
    registry.heartbeat({
      workerId: "w1",
      registrationId: w1,
      state: "ready",
      activeSessions,
      activeTasks: 0,
    });
  beat(2);
  assert.deepEqual(placeAll(registry, ["s1", "s2"]), [
    "w1",
    "refused: Every ready worker is full: 3 of 3 session slots reserved on 1 worker " +
    "(2 by sessions this coordinator did not place)",
  ]);
  // the old sessions were removed on the worker; a report below what is reserved here
  // (a creation still on its way) never frees a reserved slot
  beat(0);
  assert.deepEqual(placeAll(registry, ["s2", "s3", "s4"]), [
    "w1",
    "w1",
    "refused: Every ready worker is full: 3 of 3 session slots reserved on 1 worker",
  ]);
  assert.equal(registry.get("w1")?.reserved, 3);
});

Deno.test("WorkerRegistry.markFull() places nothing on a worker until its next heartbeat", () => {
  const { registry } = fakeRegistry();
  const a = mustRegister(registry, "a", 4);
  mustRegister(registry, "b", 2);
  registry.markFull("a");
  registry.markFull("ghost");
  assert.deepEqual(placeAll(registry, ["s1", "s2", "s3"]), [
    "b",
    "b",
    "refused: Every ready worker is full: 6 of 6 session slots reserved on 2 workers " +
    "(4 by sessions this coordinator did not place)",
  ]);
  registry.heartbeat({
    workerId: "a",
    registrationId: a,
    state: "ready",
    activeSessions: 3,
    activeTasks: 0,
  });
  assert.deepEqual(placeAll(registry, ["s3", "s4"]), [
    "a",
    "refused: Every ready worker is full: 6 of 6 session slots reserved on 2 workers " +
    "(3 by sessions this coordinator did not place)",
  ]);
});
