import assert from "node:assert/strict";
import { CodegenError, FakeClock } from "../core/mod.ts";
import { WorkerRegistry } from "../registry/mod.ts";
import { Router } from "./router.ts";
import {
  fakeClient,
  LIMITS,
  registration,
  registryWith,
  remoteOver,
  session,
} from "./_router_testing.ts";

/** A router over one remote worker, "w1", with `slots` session slots. */
function oneRemoteWorker(slots: number) {
  const registry = registryWith({ w1: slots });
  const w1 = fakeClient("w1");
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["w1", w1.client]])),
  });
  return { registry, w1, router };
}

Deno.test("Router.route() places again, with rehomedFrom, a session whose worker restarted under the same id", async () => {
  const { registry, w1, router } = oneRemoteWorker(1);
  const first = await router.route(session("s1"));
  assert.equal(first.session.workerId, "w1");
  assert.equal((await router.route(first.session)).placed, false, "affinity while it lives");

  // the pod is recreated with a fresh disk and registers again under the same id
  registry.register(registration("w1", 1));
  w1.sessions.clear();
  const moved = await router.route(first.session);
  assert.equal(moved.placed, true);
  assert.equal(moved.session.workerId, "w1");
  assert.equal(moved.session.rehomedFrom, "w1");
  assert.deepEqual([...w1.sessions], ["s1"], "set up again on the worker");
  assert.equal(registry.get("w1")?.reserved, 1, "its slot is reserved again");
  assert.equal((await router.route(moved.session)).placed, false);
  // so a second session is not squeezed onto the full worker
  await assert.rejects(router.route(session("s2")), {
    code: "WORKER_UNAVAILABLE",
    retriable: true,
  });
});

Deno.test("Router.route() tries the next worker when one refuses a new session as full", async () => {
  // "crowded" hosts sessions this coordinator does not know of
  const registry = registryWith({ crowded: 4, spare: 2 });
  const crowded = fakeClient("crowded", { full: true });
  const spare = fakeClient("spare");
  const clients = new Map([["crowded", crowded.client], ["spare", spare.client]]);
  const router = new Router({ local: [], remote: remoteOver(registry, clients) });
  const route = await router.route(session("s1"));
  assert.equal(route.session.workerId, "spare");
  assert.equal(registry.workerOf("s1"), "spare");
  assert.equal(registry.get("crowded")?.reserved, 0);
  // the crowded worker gets no new session until it reports free room
  assert.equal((await router.route(session("s2"))).session.workerId, "spare");
  await assert.rejects(router.route(session("s3")), (err: CodegenError) => {
    assert.equal(err.code, "WORKER_UNAVAILABLE");
    assert.equal(err.retriable, true);
    assert.match(err.message, /Every ready worker is full/);
    return true;
  });
});

Deno.test("Router.limitsFor() reads the placed worker's limits and never places a session itself", async () => {
  const { registry, w1, router } = oneRemoteWorker(2);
  const placed = (await router.route(session("s1"))).session;
  assert.deepEqual(await router.limitsFor(placed), LIMITS);
  await assert.rejects(router.limitsFor(session("s2")), (err: CodegenError) => {
    assert.equal(err.code, "WORKER_UNAVAILABLE");
    assert.equal(err.retriable, true);
    return true;
  });
  assert.equal(registry.workerOf("s2"), undefined, "no slot reserved for an unplaced session");
  assert.equal(w1.sessions.has("s2"), false);
});

Deno.test("Router.endSession() finds the worker of a session known only by id", async () => {
  const { registry, w1, router } = oneRemoteWorker(2);
  await router.route(session("s1"));
  assert.ok(w1.sessions.has("s1"));
  // its record lost: no workerId on it
  await router.endSession(session("s1"));
  assert.equal(w1.sessions.has("s1"), false, "its workspace is removed");
  assert.equal(registry.workerOf("s1"), undefined, "and its slot freed");
});

Deno.test("Router.route() evicts a worker whose connection died and places on the next; a leaving one is only skipped", async () => {
  // "dead" sorts first and has the most room: placement tries it first
  const registry = registryWith({ dead: 4, leaving: 3, spare: 2 });
  // only the flag tells them apart: the lost worker's words even say "draining"
  const lost = new CodegenError(
    "WORKER_UNAVAILABLE",
    "Cannot start a session: the worker is draining",
  );
  const draining = new CodegenError("WORKER_UNAVAILABLE", "Worker going away", {
    retriable: true,
    workerLeaving: true,
  });
  const clients = new Map([
    ["dead", fakeClient("dead", { refuse: lost }).client],
    ["leaving", fakeClient("leaving", { refuse: draining }).client],
    ["spare", fakeClient("spare").client],
  ]);
  const router = new Router({ local: [], remote: remoteOver(registry, clients) });
  const route = await router.route(session("s1"));
  assert.equal(route.session.workerId, "spare");
  assert.equal(registry.get("dead"), undefined, "the dead worker is evicted");
  assert.ok(registry.get("leaving"), "a draining worker is not evicted: it leaves by itself");
  assert.equal(registry.workerOf("s1"), "spare");
});

Deno.test("Router.unavailable() evicts a worker lost mid-task but only frees the slot on one leaving on purpose", async () => {
  const registry = registryWith({ w1: 4 });
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["w1", fakeClient("w1").client]])),
  });
  const leaving = (await router.route(session("s1"))).session;
  router.unavailable(leaving, {
    code: "WORKER_UNAVAILABLE",
    message: 'Task stopped: worker "w1" is shutting down; run it again',
    retriable: true,
    worker_leaving: true,
  });
  assert.equal(registry.workerOf("s1"), undefined, "the session's slot is freed");
  assert.ok(registry.get("w1"), "a leaving worker is not evicted: its other tasks may finish");
  assert.equal(registry.get("w1")?.state, "draining", "and gets no new session");
  // (it registers again, ready, for the next case)
  assert.ok(registry.register(registration("w1", 4)).accepted);

  // the same words without the flag are a lost connection
  const lost = (await router.route(session("s2"))).session;
  assert.equal(lost.workerId, "w1");
  router.unavailable(lost, {
    code: "WORKER_UNAVAILABLE",
    message: 'Task stopped: worker "w1" is shutting down; run it again',
    retriable: true,
  });
  assert.equal(registry.workerOf("s2"), undefined);
  assert.equal(registry.get("w1"), undefined, "a lost worker is evicted");
});

Deno.test("Router.route() counts a worker that refuses a session as leaving as draining, not full", async () => {
  const registry = registryWith({ leaving: 3, crowded: 2 });
  const goingAway = new CodegenError("WORKER_UNAVAILABLE", "Worker going away", {
    retriable: true,
    workerLeaving: true,
  });
  const clients = new Map([
    ["leaving", fakeClient("leaving", { refuse: goingAway }).client],
    ["crowded", fakeClient("crowded", { full: true }).client],
  ]);
  const router = new Router({ local: [], remote: remoteOver(registry, clients) });
  await assert.rejects(router.route(session("s1")), { code: "WORKER_UNAVAILABLE" });
  assert.equal(registry.get("leaving")?.state, "draining");
  assert.equal(registry.get("crowded")?.state, "ready");
  // the next caller is told the truth: the leaving worker's 3 slots are neither free nor full
  await assert.rejects(router.route(session("s2")), (err: CodegenError) => {
    assert.equal(err.retriable, true);
    assert.equal(
      err.message,
      "Every ready worker is full: 2 of 2 session slots reserved on 1 worker " +
        "(2 by sessions this coordinator did not place); 1 more is draining; " +
        "start a worker or try again shortly",
    );
    return true;
  });
});

Deno.test("Router.route() tells the caller every worker is draining when the only one is leaving", async () => {
  const registry = registryWith({ w1: 2 });
  const goingAway = new CodegenError("WORKER_UNAVAILABLE", "Worker going away", {
    retriable: true,
    workerLeaving: true,
  });
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["w1", fakeClient("w1", { refuse: goingAway }).client]])),
  });
  await assert.rejects(router.route(session("s1")), { message: /Worker "w1" is leaving/ });
  await assert.rejects(router.route(session("s2")), {
    message: "No worker is ready: the only one is draining; start a worker or try again shortly",
  });
  assert.equal(registry.workerOf("s1"), undefined, "no slot held for the refused session");
});

Deno.test("Router.route() gives a session back to its worker when it registers again still holding the files", async () => {
  const { registry, clock } = (() => {
    const clock = new FakeClock();
    const registry = new WorkerRegistry({ clock, heartbeatTimeoutMs: 300_000 });
    return { registry, clock };
  })();
  assert.ok(registry.register(registration("w1", 2)).accepted);
  const w1 = fakeClient("w1");
  const w2 = fakeClient("w2");
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["w1", w1.client], ["w2", w2.client]])),
  });
  const placed = (await router.route(session("s1"))).session;
  assert.equal(placed.workerId, "w1");
  w1.files.set("s1", 3);
  // w1 falls silent (its heartbeats lost, its process fine) and is swept...
  clock.advance(300_001);
  assert.ok(registry.register(registration("w2", 8)).accepted);
  registry.sweep();
  assert.equal(registry.get("w1"), undefined);
  // ...then registers again, reporting the session it still hosts
  const res = registry.register(registration("w1", 2));
  assert.ok(res.accepted);
  registry.heartbeat({
    workerId: "w1",
    registrationId: res.registrationId,
    state: "ready",
    activeSessions: 1,
    activeTasks: 0,
  });
  const back = await router.route(placed);
  assert.equal(back.client.workerId, "w1", "not moved to w2, which has more room");
  assert.equal(back.placed, false, "the session record is unchanged");
  assert.equal(back.session.rehomedFrom, undefined, "so no notice says it moved");
  assert.equal(registry.workerOf("s1"), "w1");
  assert.equal(registry.get("w1")?.reserved, 1);
  // the slot the worker reported is this session's, not another one
  assert.equal((await router.route(session("s2"))).session.workerId, "w2");
  assert.equal((await router.route(session("s3"))).session.workerId, "w2");
  assert.deepEqual(
    [registry.get("w1")?.reserved, registry.get("w2")?.reserved],
    [1, 2],
  );
});

Deno.test("Router.route() moves a session, saying so, when its worker registers again with an empty workspace", async () => {
  const { registry, w1, router } = oneRemoteWorker(2);
  const placed = (await router.route(session("s1"))).session;
  w1.files.set("s1", 1);
  registry.evict("w1", "test");
  assert.ok(registry.register(registration("w1", 2)).accepted);
  // it restarted with a fresh disk
  w1.sessions.clear();
  w1.files.clear();
  const moved = await router.route(placed);
  assert.equal(moved.placed, true);
  assert.equal(moved.session.workerId, "w1");
  assert.equal(moved.session.rehomedFrom, "w1");
  assert.equal(registry.get("w1")?.reserved, 1, "one slot, not two");
});

Deno.test("Router.route() gives a session a lost call orphaned back to its worker once it returns with the files", async () => {
  const registry = registryWith({ w1: 2, w2: 8 });
  const w1 = fakeClient("w1");
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["w1", w1.client], ["w2", fakeClient("w2").client]])),
  });
  registry.markFull("w2"); // so the session lands on w1
  const placed = (await router.route(session("s1"))).session;
  assert.equal(placed.workerId, "w1");
  w1.files.set("s1", 2);
  // a call lost the connection: w1 is evicted and the session left without a worker
  router.unavailable(placed, {
    code: "WORKER_UNAVAILABLE",
    message: "connection lost",
    retriable: true,
  });
  const orphan = { ...placed, workerId: undefined, rehomedFrom: "w1" };
  assert.equal(registry.get("w1"), undefined);
  // the network heals; w1 registers again, and w2 now has more room
  assert.ok(registry.register(registration("w1", 2)).accepted);
  assert.ok(registry.register(registration("w2", 8)).accepted);
  const back = await router.route(orphan);
  assert.equal(back.client.workerId, "w1");
  assert.equal(back.placed, true);
  assert.equal(back.session.workerId, "w1");
  assert.equal("rehomedFrom" in back.session, false, "nothing moved, so nothing to tell");
  assert.equal(registry.workerOf("s1"), "w1");
});

Deno.test("Router.route(): an orphaned session a concurrent call already placed keeps that slot", async () => {
  const registry = registryWith({ w1: 2 });
  const clients = new Map([["w1", fakeClient("w1").client], ["w2", fakeClient("w2").client]]);
  const router = new Router({ local: [], remote: remoteOver(registry, clients) });
  // another call of the session has placed it on w1 afresh (an empty workspace there)
  assert.ok(registry.reserve("s1").ok);
  // and w2, with more room, registers meanwhile
  assert.ok(registry.register(registration("w2", 8)).accepted);
  const route = await router.route({ ...session("s1"), rehomedFrom: "w1" });
  assert.equal(route.client.workerId, "w1", "it stays where the other call put it");
  assert.equal(registry.workerOf("s1"), "w1");
  assert.equal(registry.get("w2")?.reserved, 0, "no second slot elsewhere");
});
