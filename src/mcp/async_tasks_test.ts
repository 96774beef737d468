import assert from "node:assert/strict";
import { CodegenError, FakeClock, sequentialIds } from "../core/mod.ts";
import { AsyncTasks } from "./async_tasks.ts";
import type { CallAnswer } from "./results.ts";

const OK: CallAnswer = { reply: { structured: {}, text: "done" } };
const TTL_MS = 15 * 60_000;

/** A task body that ends when `release()` is called, or when it is cancelled. */
function controlled(): {
  run: (signal: AbortSignal) => Promise<CallAnswer>;
  release: () => Promise<void>;
} {
  const { promise, resolve } = Promise.withResolvers<CallAnswer>();
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
      assert.throws(
        () => tasks.get("conn", id),
        /finished, but its result was dropped: this session keeps the results of its 3 most/,
      );
    }
    for (const id of ids.slice(2)) assert.equal(tasks.get("conn", id).status, "completed");

    // a cancelled task is a finished one too
    const cancelled = tasks.start("conn", "run.python", controlled().run);
    clock.advance(1_000);
    assert.equal(tasks.cancel("conn", cancelled).status, "cancelled");
    for (let i = 0; i < 5; i++) await Promise.resolve(); // once its process has stopped
    assert.throws(() => tasks.get("conn", ids[2]!), /result was dropped/);
    assert.equal(tasks.get("conn", cancelled).status, "cancelled");

    // and every kept result still expires after the TTL
    clock.advance(TTL_MS);
    tasks.sweep();
    assert.throws(() => tasks.get("conn", ids[4]!), /result was dropped: results are kept for 15m/);
    assert.equal(tasks.keptBytes, 0);
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
    const { promise, resolve } = Promise.withResolvers<CallAnswer>();
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

/** A finished run.python-like answer whose stdout is `chars` long. */
function output(chars: number): CallAnswer {
  const structured = { stdout: "o".repeat(chars), exit_code: 0 };
  return { reply: { structured, text: () => structured.stdout } };
}

async function finished(tasks: AsyncTasks, owner: string, answer: CallAnswer): Promise<string> {
  const id = tasks.start(owner, "run.python", () => Promise.resolve(answer));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return id;
}

Deno.test("AsyncTasks drops a finished result once it is older than the TTL, even if nothing else runs", async () => {
  const clock = new FakeClock();
  const tasks = new AsyncTasks({ maxPerSession: 2, resultTtlMs: TTL_MS, clock });
  try {
    const id = await finished(tasks, "conn", OK);
    clock.advance(TTL_MS - 1);
    assert.equal(tasks.get("conn", id).status, "completed");
    clock.advance(1);
    // no task started since, no sweep: asking is enough
    assert.throws(
      () => tasks.get("conn", id),
      (err) =>
        err instanceof CodegenError && err.code === "NOT_FOUND" &&
        /finished, but its result was dropped: results are kept for 15m/.test(err.message),
    );
    assert.throws(() => tasks.cancel("conn", id), /result was dropped/);
    assert.equal(tasks.keptBytes, 0);
  } finally {
    await tasks.close();
  }
});

Deno.test("AsyncTasks keeps a result once: its text is built when read, not when stored", async () => {
  const tasks = new AsyncTasks({ maxPerSession: 2, resultTtlMs: TTL_MS, clock: new FakeClock() });
  try {
    let built = 0;
    const structured = { stdout: "x".repeat(1000) };
    const id = await finished(tasks, "conn", {
      reply: { structured, text: () => (built++, structured.stdout) },
    });
    assert.equal(built, 0);
    assert.ok(tasks.keptBytes >= 1000 && tasks.keptBytes < 1100, String(tasks.keptBytes));
    const result = tasks.get("conn", id).result;
    assert.ok(result && "reply" in result && result.reply.structured === structured);
  } finally {
    await tasks.close();
  }
});

Deno.test("AsyncTasks bounds the bytes of kept results per session, dropping the session's oldest", async () => {
  const tasks = new AsyncTasks({
    maxPerSession: 8,
    maxResultBytesPerSession: 2_500,
    resultTtlMs: TTL_MS,
    clock: new FakeClock(),
  });
  try {
    const other = await finished(tasks, "other", output(1_000));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await finished(tasks, "conn", output(1_000)));
    for (const id of ids.slice(0, 2)) {
      assert.throws(
        () => tasks.get("conn", id),
        /result was dropped: this session keeps at most 2500 bytes of finished results \(MAX_TASK_RESULT_BYTES\)/,
      );
    }
    for (const id of ids.slice(2)) assert.equal(tasks.get("conn", id).status, "completed");
    assert.equal(tasks.get("other", other).status, "completed", "other sessions keep theirs");
    // another session never learns of this one's tasks
    assert.throws(() => tasks.get("other", ids[0]!), /No task/);
  } finally {
    await tasks.close();
  }
});

Deno.test("AsyncTasks bounds the bytes of kept results over all sessions, dropping the oldest anywhere", async () => {
  const tasks = new AsyncTasks({
    maxPerSession: 8,
    maxResultBytesTotal: 3_500,
    resultTtlMs: TTL_MS,
    clock: new FakeClock(),
  });
  try {
    const a1 = await finished(tasks, "a", output(1_000));
    const b1 = await finished(tasks, "b", output(1_000));
    const a2 = await finished(tasks, "a", output(1_000));
    assert.equal(tasks.get("a", a1).status, "completed");
    const c1 = await finished(tasks, "c", output(1_000));
    assert.throws(
      () => tasks.get("a", a1),
      /dropped: the server keeps at most 3500 bytes of finished results over all sessions \(MAX_TASK_RESULT_BYTES_TOTAL\)/,
    );
    for (const [owner, id] of [["b", b1], ["a", a2], ["c", c1]] as const) {
      assert.equal(tasks.get(owner, id).status, "completed");
    }
    assert.ok(tasks.keptBytes <= 3_500);
    // a result larger than the bound on its own is not kept either
    const huge = await finished(tasks, "a", output(5_000));
    assert.throws(() => tasks.get("a", huge), /result was dropped/);
    assert.equal(tasks.keptBytes, 0);
    // a session that ends takes what is remembered of its tasks with it
    tasks.closeOwner("a");
    assert.throws(() => tasks.get("a", huge), /No task/);
  } finally {
    await tasks.close();
  }
});
