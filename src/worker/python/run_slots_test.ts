import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { RunSlots } from "./run_slots.ts";

/** A job that runs until `finish()` is called; `started` says whether it began. */
function job(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => finish = r);
  const state = { started: false, finish: () => finish() };
  const fn = async () => {
    state.started = true;
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
    return name;
  };
  return { state, fn };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

Deno.test("RunSlots lets `slots` runs of a session hold a sandbox at once; the rest wait in order", async () => {
  const slots = new RunSlots();
  const log: string[] = [];
  const jobs = ["a", "b", "c", "d"].map((n) => job(log, n));
  const runs = jobs.map((j) => slots.run("s1", { slots: 2 }, j.fn));
  const other = job(log, "other");
  const otherRun = slots.run("s2", { slots: 2 }, other.fn);
  await flush();
  assert.deepEqual(jobs.map((j) => j.state.started), [true, true, false, false]);
  assert.equal(other.state.started, true, "another session has slots of its own");
  assert.deepEqual(slots.load("s1"), { running: 2, waiting: 2 });

  jobs[1]!.state.finish();
  await flush();
  assert.deepEqual(jobs.map((j) => j.state.started), [true, true, true, false], "c came first");
  for (const j of jobs) j.state.finish();
  other.state.finish();
  assert.deepEqual(await Promise.all(runs), ["a", "b", "c", "d"]);
  await otherRun;
  assert.deepEqual(slots.load("s1"), { running: 0, waiting: 0 });
});

Deno.test("RunSlots refuses a run past maxWaiting with a retriable LIMIT_EXCEEDED", async () => {
  const slots = new RunSlots();
  const log: string[] = [];
  const held = [job(log, "a"), job(log, "b")];
  const runs = held.map((j) => slots.run("s1", { slots: 1, maxWaiting: 1 }, j.fn));
  await assert.rejects(
    slots.run("s1", { slots: 1, maxWaiting: 1 }, () => Promise.resolve("c")),
    (e: unknown) =>
      e instanceof CodegenError && e.code === "LIMIT_EXCEEDED" && e.retriable &&
      /Too many runs at once in this session \(1 running, 1 waiting\)/.test(e.message),
  );
  for (const j of held) j.state.finish();
  await Promise.all(runs);
});

Deno.test("RunSlots: a run cancelled while it waits gives up its place, and a failed run its slot", async () => {
  const slots = new RunSlots();
  const log: string[] = [];
  const first = job(log, "a");
  const running = slots.run("s1", { slots: 1 }, first.fn);
  const controller = new AbortController();
  const waiting = slots.run("s1", { slots: 1, maxWaiting: 2, signal: controller.signal }, () => {
    log.push("cancelled one ran");
    return Promise.resolve();
  });
  const next = job(log, "c");
  const nextRun = slots.run("s1", { slots: 1, maxWaiting: 2 }, next.fn);
  controller.abort();
  await assert.rejects(
    waiting,
    (e: unknown) => e instanceof CodegenError && e.code === "CANCELLED",
  );
  assert.deepEqual(slots.load("s1"), { running: 1, waiting: 1 });

  first.state.finish();
  await running;
  await flush();
  assert.equal(next.state.started, true);
  next.state.finish();
  await nextRun;

  await assert.rejects(slots.run("s1", { slots: 1 }, () => Promise.reject(new Error("boom"))));
  assert.deepEqual(slots.load("s1"), { running: 0, waiting: 0 });
  assert.ok(!log.includes("cancelled one ran"));
});

Deno.test("RunSlots gives up a wait past its limit with the caller's error, and forgets the waiter", async () => {
  const slots = new RunSlots();
  const log: string[] = [];
  const held = job(log, "a");
  const running = slots.run("s1", { slots: 1, maxWaiting: 2 }, held.fn);
  const late = job(log, "late");
  const limited = slots.run("s1", {
    slots: 1,
    maxWaiting: 2,
    waitLimit: { ms: 30, error: () => new CodegenError("TIMEOUT", "waited too long") },
  }, late.fn);
  const next = job(log, "next");
  const nextRun = slots.run("s1", { slots: 1, maxWaiting: 2 }, next.fn);
  await assert.rejects(limited, (e: unknown) => e instanceof CodegenError && e.code === "TIMEOUT");
  assert.deepEqual(slots.load("s1"), { running: 1, waiting: 1 }, "only `next` still waits");
  held.state.finish();
  await running;
  await flush();
  assert.equal(late.state.started, false, "the run that gave up never starts");
  assert.equal(next.state.started, true, "the slot went to the next waiter");
  next.state.finish();
  await nextRun;
  assert.deepEqual(slots.load("s1"), { running: 0, waiting: 0 });
});

Deno.test("RunSlots: a run that gets its slot within its wait limit runs, and its timer is gone", async () => {
  const slots = new RunSlots();
  const log: string[] = [];
  const held = job(log, "a");
  const running = slots.run("s1", { slots: 1 }, held.fn);
  const error = () => new CodegenError("TIMEOUT", "waited too long");
  // a timer left behind would fail this test under the leak check
  const waiting = slots.run(
    "s1",
    { slots: 1, waitLimit: { ms: 60_000, error } },
    () => Promise.resolve("b"),
  );
  held.state.finish();
  assert.equal(await running, "a");
  assert.equal(await waiting, "b");
});
