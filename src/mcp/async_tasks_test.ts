import assert from "node:assert/strict";
import { CodegenError, FakeClock, sequentialIds } from "../core/mod.ts";
import { AsyncTasks } from "./async_tasks.ts";
import type { CallToolResult } from "./sdk.ts";

const OK: CallToolResult = { content: [{ type: "text", text: "done" }] };
const TTL_MS = 15 * 60_000;

/** A task body that ends when `release()` is called, or when it is cancelled. */
function controlled(): {
  run: (signal: AbortSignal) => Promise<CallToolResult>;
  release: () => Promise<void>;
} {
  const { promise, resolve } = Promise.withResolvers<CallToolResult>();
  return {
    run: (signal) => {
      signal.addEventListener("abort", () => resolve(OK), { once: true });
      return promise;
    },
    release: async () => {
      resolve(OK);
      // let the task's own continuation record the result
      await promise;
      await Promise.resolve();
    },
  };
}

function limitExceeded(fn: () => unknown): void {
  assert.throws(fn, (err) => err instanceof CodegenError && err.code === "LIMIT_EXCEEDED");
}

Deno.test("AsyncTasks.start() counts only running tasks against maxPerSession", async () => {
  const tasks = new AsyncTasks({
    maxPerSession: 2,
    resultTtlMs: TTL_MS,
    clock: new FakeClock(),
    ids: sequentialIds("t"),
  });
  try {
    const a = controlled();
    const b = controlled();
    const first = tasks.start("conn", "run.python", a.run);
    const second = tasks.start("conn", "run.python", b.run);
    limitExceeded(() => tasks.start("conn", "run.python", controlled().run));
    // another session has its own budget
    tasks.start("other", "run.python", controlled().run);

    // one finishes (its result still fetchable), one is cancelled: both slots are free again
    await a.release();
    assert.equal(tasks.get("conn", first).status, "completed");
    assert.equal(tasks.cancel("conn", second).status, "cancelled");
    for (let i = 0; i < 5; i++) await Promise.resolve(); // its process stops
    tasks.start("conn", "run.python", controlled().run);
    tasks.start("conn", "run.python", controlled().run);
    assert.equal(tasks.get("conn", first).result, OK, "the finished result is still kept");
    assert.throws(
      () => tasks.start("conn", "run.python", controlled().run),
      /running in this session \(2\); wait for one to finish or cancel one first/,
    );
  } finally {
    await tasks.close();
  }
});

Deno.test("AsyncTasks keeps at most maxFinishedPerSession finished tasks, dropping the oldest", async () => {
  const clock = new FakeClock();
  const tasks = new AsyncTasks({
    maxPerSession: 2,
    maxFinishedPerSession: 3,
    resultTtlMs: TTL_MS,
    clock,
    ids: sequentialIds("t"),
  });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const task = controlled();
      ids.push(tasks.start("conn", "run.python", task.run));
      clock.advance(1_000);
      await task.release();
    }
    // the two oldest results are gone, the three newest are kept
    for (const id of ids.slice(0, 2)) {
      assert.throws(() => tasks.get("conn", id), /No task/);
    }
    for (const id of ids.slice(2)) assert.equal(tasks.get("conn", id).status, "completed");

    // a cancelled task is a finished one too
    const cancelled = tasks.start("conn", "run.python", controlled().run);
    clock.advance(1_000);
    assert.equal(tasks.cancel("conn", cancelled).status, "cancelled");
    for (let i = 0; i < 5; i++) await Promise.resolve(); // once its process has stopped
    assert.throws(() => tasks.get("conn", ids[2]!), /No task/);
    assert.equal(tasks.get("conn", cancelled).status, "cancelled");

    // and every kept result still expires after the TTL
    clock.advance(TTL_MS);
    tasks.sweep();
    assert.throws(() => tasks.get("conn", ids[4]!), /No task/);
  } finally {
    await tasks.close();
  }
});

Deno.test("AsyncTasks: a cancelled task holds its slot, and is kept, until its process stops", async () => {
  const tasks = new AsyncTasks({
    maxPerSession: 1,
    maxFinishedPerSession: 0,
    resultTtlMs: TTL_MS,
    clock: new FakeClock(),
    ids: sequentialIds("t"),
  });
  try {
    // a run slow to stop: it ends only when released, cancelled or not
    const { promise, resolve } = Promise.withResolvers<CallToolResult>();
    const id = tasks.start("conn", "run.python", () => promise);
    assert.equal(tasks.cancel("conn", id).status, "cancelled");
    limitExceeded(() => tasks.start("conn", "run.python", controlled().run));
    assert.equal(tasks.get("conn", id).status, "cancelled", "not dropped while stopping");
    resolve(OK);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    tasks.start("conn", "run.python", controlled().run);
  } finally {
    await tasks.close();
  }
});
