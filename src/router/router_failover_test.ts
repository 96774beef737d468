import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { WorkerRegistry } from "../registry/mod.ts";
import type { TaskOutcome } from "../rpc/mod.ts";
import { Router } from "./router.ts";
import { withAnswerDeadline } from "./_answer_deadline.ts";
import { LeftBehind } from "./_left_behind.ts";
import { fakeClient, registration, registryWith, remoteOver, session } from "./_router_testing.ts";

/** The outcome of a task whose worker never answered, past a 1 ms deadline. */
async function missedDeadline(workerId: string) {
  const outcome = await withAnswerDeadline(new Promise<TaskOutcome>(() => {}), 1, {
    workerId,
    abort: () => {},
  });
  assert.ok(!outcome.ok);
  return outcome.error;
}

Deno.test("Router.unavailable() keeps the worker and every session on it when a task missed its answer deadline", async () => {
  const registry = registryWith({ wa: 4 });
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["wa", fakeClient("wa").client]])),
  });
  const s = (await router.route(session("s"))).session;
  const v = (await router.route(session("v"))).session;
  const error = await missedDeadline("wa");
  assert.equal(error.code, "WORKER_UNAVAILABLE");
  assert.equal(error.retriable, true);

  router.unavailable(s, error);
  assert.ok(registry.get("wa"), "the worker is not evicted");
  assert.equal(registry.workerOf("s"), "wa", "the session keeps its slot");
  assert.equal(registry.workerOf("v"), "wa");
  for (const kept of [s, v]) {
    const route = await router.route(kept);
    assert.equal(route.placed, false, `${kept.id} stays where its files are`);
    assert.equal(route.client.workerId, "wa");
    assert.equal(route.session.rehomedFrom, undefined);
  }

  // the caller is told what happened, and the session is not moved by its call either
  assert.match(error.message, /did not answer within 0 s .*connection is up/);
  assert.match(error.message, /the session stays on that worker with its files/);
  assert.equal(router.unavailable(s, error), false, "the session does not leave");

  // the same words from a call that lost its connection still evict
  assert.equal(router.unavailable(s, { ...error }), true);
  assert.equal(registry.get("wa"), undefined);
});

Deno.test("Router.unavailable() evicts a worker whose tasks missed their deadline for three sessions, not one session three times", async () => {
  const registry = registryWith({ wa: 8 });
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["wa", fakeClient("wa").client]])),
  });
  const [a, b, c] = await Promise.all(
    ["a", "b", "c"].map(async (id) => (await router.route(session(id))).session),
  );
  const error = await missedDeadline("wa");
  for (let i = 0; i < 5; i++) assert.equal(router.unavailable(a!, error), false);
  assert.equal(router.unavailable(b!, error), false);
  assert.ok(registry.get("wa"), "two sessions' misses keep it");
  // a hung worker answers no one: the third session's miss takes it out of rotation
  assert.equal(router.unavailable(c!, error), true);
  assert.equal(registry.get("wa"), undefined);
});

Deno.test("Router.route() removes the empty copy it made on a worker restarted under the same id before placing the session elsewhere", async () => {
  const registry = registryWith({ w1: 2 });
  const w1 = fakeClient("w1");
  const w2 = fakeClient("w2");
  const clients = new Map([["w1", w1.client], ["w2", w2.client]]);
  const router = new Router({ local: [], remote: remoteOver(registry, clients) });
  const placed = (await router.route(session("s1"))).session;
  assert.equal(placed.workerId, "w1");
  w1.files.set("s1", 3);

  // w1 restarts with a fresh disk; w2, with more room, registers meanwhile
  assert.ok(registry.register(registration("w1", 2)).accepted);
  w1.sessions.clear();
  w1.files.clear();
  assert.ok(registry.register(registration("w2", 8)).accepted);
  const moved = await router.route(placed);
  assert.equal(moved.session.workerId, "w2");
  assert.equal(moved.session.rehomedFrom, "w1");
  assert.equal(w1.sessions.has("s1"), false, "no empty copy is left holding a slot on w1");
  assert.equal(registry.get("w1")?.reserved, 0);

  await router.endSession(moved.session);
  assert.equal(w2.sessions.has("s1"), false);
  assert.equal(w1.sessions.size, 0);
});

Deno.test("Router removes what sessions moved or ended left on a worker removed while alive, once it registers again", async () => {
  const clock = new FakeClock();
  const registry = new WorkerRegistry({ clock, heartbeatTimeoutMs: 300_000 });
  assert.ok(registry.register(registration("w1", 3)).accepted);
  const w1 = fakeClient("w1");
  const w2 = fakeClient("w2");
  const clients = new Map([["w1", w1.client], ["w2", w2.client]]);
  const router = new Router({ local: [], remote: remoteOver(registry, clients) });
  const [s1, s2, s3] = await Promise.all(
    ["s1", "s2", "s3"].map(async (id) => (await router.route(session(id))).session),
  );
  for (const s of [s1!, s2!, s3!]) assert.equal(s.workerId, "w1");

  // w1 is paused past the heartbeat timeout and swept, its process and files intact
  clock.advance(300_001);
  assert.ok(registry.register(registration("w2", 8)).accepted);
  registry.sweep();
  assert.equal(registry.get("w1"), undefined);
  // s1 moves on its next call; s2 ends; s3, orphaned by a lost call, ends too
  const moved = await router.route(s1!);
  assert.equal(moved.session.workerId, "w2");
  await router.endSession(s2!);
  await router.endSession({ ...s3!, workerId: undefined, rehomedFrom: "w1" });
  await router.leftBehindRemoved();
  assert.deepEqual([...w1.sessions].sort(), ["s1", "s2", "s3"], "w1 cannot be told while away");

  // w1 registers again: the next call anywhere has the three removed there
  const res = registry.register(registration("w1", 3));
  assert.ok(res.accepted);
  registry.heartbeat({
    workerId: "w1",
    registrationId: res.registrationId,
    state: "ready",
    activeSessions: 3,
    activeTasks: 0,
  });
  await router.route(moved.session);
  await router.leftBehindRemoved();
  assert.deepEqual([...w1.sessions], [], "no slot on w1 stays held by a session gone from it");
  assert.ok(w2.sessions.has("s1"), "the moved session is untouched where it lives now");
});

Deno.test("Router.endSession() removes the workspace a lost call left on a worker that is back", async () => {
  const registry = registryWith({ w1: 2 });
  const w1 = fakeClient("w1");
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["w1", w1.client]])),
  });
  const placed = (await router.route(session("s1"))).session;
  assert.equal(
    router.unavailable(placed, { code: "WORKER_UNAVAILABLE", message: "lost", retriable: true }),
    true,
  );
  assert.ok(registry.register(registration("w1", 2)).accepted);
  await router.endSession({ ...placed, workerId: undefined, rehomedFrom: "w1" });
  assert.equal(w1.sessions.has("s1"), false);
});

Deno.test("LeftBehind forgets the oldest workspaces past its bound and hands each out once", () => {
  const left = new LeftBehind(3);
  left.add("w1", "a");
  left.add("w1", "b");
  left.add("w2", "c");
  left.add("w1", "b"); // already there: nothing more to hold
  left.add("w2", "d");
  assert.equal(left.size, 3);
  assert.deepEqual(left.take("w1"), ["b"], "the oldest, a, was forgotten");
  left.delete("w2", "c"); // placed there again
  assert.deepEqual(left.workers(), ["w2"]);
  assert.deepEqual(left.take("w2"), ["d"]);
  assert.deepEqual(left.take("w2"), []);
  assert.equal(left.size, 0);
});

Deno.test("Router.route() keeps a file-less session's copy on the worker it goes back to (its venv and interpreter live there)", async () => {
  const registry = registryWith({ w1: 4 });
  const w1 = fakeClient("w1");
  const destroyed: string[] = [];
  const destroy = w1.client.destroySession.bind(w1.client);
  w1.client.destroySession = (id) => (destroyed.push(id), destroy(id));
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["w1", w1.client]])),
  });
  const placed = (await router.route(session("s1"))).session;
  // a lost call evicts w1, alive; it registers again at its next heartbeat
  router.unavailable(placed, { code: "WORKER_UNAVAILABLE", message: "lost", retriable: true });
  assert.ok(registry.register(registration("w1", 4)).accepted);
  const back = await router.route({ ...placed, workerId: undefined, rehomedFrom: "w1" });
  assert.equal(back.client.workerId, "w1");
  assert.deepEqual(destroyed, [], "nothing of the session on w1 is removed");
  assert.ok(w1.sessions.has("s1"));
});

Deno.test("Router.route() takes back a file-less session whose venv or interpreter is on its worker, rather than move it", async () => {
  const registry = registryWith({ w1: 4 });
  const w1 = fakeClient("w1");
  const w2 = fakeClient("w2");
  const router = new Router({
    local: [],
    remote: remoteOver(registry, new Map([["w1", w1.client], ["w2", w2.client]])),
  });
  const placed = (await router.route(session("s1"))).session;
  assert.equal(placed.workerId, "w1");
  w1.state.add("s1"); // a stateful interpreter runs, no file written
  // a lost call evicts w1, alive; w2, with far more room, registers meanwhile; w1 comes back
  router.unavailable(placed, { code: "WORKER_UNAVAILABLE", message: "lost", retriable: true });
  assert.ok(registry.register(registration("w2", 64)).accepted);
  assert.ok(registry.register(registration("w1", 4)).accepted);
  const back = await router.route({ ...placed, workerId: undefined, rehomedFrom: "w1" });
  assert.equal(back.client.workerId, "w1", "kept where its interpreter runs");
  assert.equal(back.session.rehomedFrom, undefined, "nothing to tell");
  assert.ok(w1.sessions.has("s1") && w1.state.has("s1"));
});
