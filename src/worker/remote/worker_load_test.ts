import assert from "node:assert/strict";
import { FakeClock } from "../../core/mod.ts";
import { WorkerLoad } from "./worker_load.ts";

Deno.test("WorkerLoad refuses a session past max sessions with LIMIT_EXCEEDED, but not a known one", () => {
  const load = new WorkerLoad(2);
  load.admitSession("a");
  load.admitSession("b");
  load.admitSession("a");
  assert.throws(() => load.admitSession("c"), { code: "LIMIT_EXCEEDED" });
  load.dropSession("a");
  load.admitSession("c");
  assert.equal(load.activeSessions, 2);
});

Deno.test("WorkerLoad refuses new sessions and tasks once draining, as retriable WORKER_UNAVAILABLE from a leaving worker", () => {
  const load = new WorkerLoad(5);
  load.admitSession("a");
  load.startDraining();
  const refusal = { code: "WORKER_UNAVAILABLE", retriable: true, workerLeaving: true };
  assert.throws(() => load.admitSession("b"), refusal);
  assert.throws(() => load.beginTask("a", "t", new AbortController().signal), refusal);
  assert.equal(load.activeTasks, 0);
});

Deno.test("cancelTask aborts every task running under the id and only those", () => {
  const load = new WorkerLoad(5);
  const caller = new AbortController().signal;
  const [t1, t1b, t2] = [
    load.beginTask("s", "t1", caller),
    load.beginTask("s", "t1", caller),
    load.beginTask("s", "t2", caller),
  ];
  assert.equal(load.cancelTask("t1"), true);
  assert.equal(load.cancelTask("unknown"), false);
  assert.deepEqual([t1.signal.aborted, t1b.signal.aborted, t2.signal.aborted], [true, true, false]);
  assert.equal((t1.signal.reason as { code: string }).code, "CANCELLED");
  for (const t of [t1, t1b, t2]) t.end();
  assert.equal(load.activeTasks, 0);
  assert.equal(load.cancelTask("t1"), false);
});

Deno.test("a task's slot follows its caller's abort signal", () => {
  const load = new WorkerLoad(5);
  const caller = new AbortController();
  const slot = load.beginTask("s", "t", caller.signal);
  caller.abort("gone");
  assert.equal(slot.signal.aborted, true);
  slot.end();
  slot.end();
  assert.equal(load.activeTasks, 0);
});

Deno.test("waitForTasks resolves true when the last task ends and false when the grace runs out", async () => {
  const load = new WorkerLoad(5);
  assert.equal(await load.waitForTasks(1), true);
  const slot = load.beginTask("s", "t", new AbortController().signal);
  const waiting = load.waitForTasks(60_000);
  slot.end();
  assert.equal(await waiting, true);
  const stuck = load.beginTask("s", "t2", new AbortController().signal);
  assert.equal(await load.waitForTasks(5), false);
  stuck.end();
});

Deno.test("idleSessions lists sessions unused for the idle time and never one running a task", () => {
  const clock = new FakeClock();
  const load = new WorkerLoad(5, { clock });
  load.admitSession("old");
  load.admitSession("busy");
  const task = load.beginTask("busy", "t", new AbortController().signal);
  clock.advance(1_000);
  load.admitSession("fresh");
  assert.deepEqual(load.idleSessions(1_000), ["old"]);
  clock.advance(1_000);
  assert.deepEqual(load.idleSessions(1_000).sort(), ["fresh", "old"]);
  task.end();
  assert.deepEqual(load.idleSessions(1_000).sort(), ["fresh", "old"]);
  clock.advance(1_000);
  assert.deepEqual(load.idleSessions(1_000).sort(), ["busy", "fresh", "old"]);
});

Deno.test("keepAlive counts hosted sessions as used now and ignores others", () => {
  const clock = new FakeClock();
  const load = new WorkerLoad(5, { clock });
  load.admitSession("a");
  load.admitSession("b");
  clock.advance(2_000);
  load.keepAlive(["a", "not-hosted"]);
  assert.deepEqual(load.idleSessions(1_000), ["b"]);
  assert.equal(load.activeSessions, 2, "keepAlive never adds a session");
});
