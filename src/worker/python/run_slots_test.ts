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
