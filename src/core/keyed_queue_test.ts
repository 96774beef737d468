import assert from "node:assert/strict";
import { KeyedQueue } from "./keyed_queue.ts";

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("KeyedQueue runs one job at a time per key, in call order", async () => {
  const queue = new KeyedQueue();
  const order: string[] = [];
  const gate = deferred();
  const first = queue.run("a", async () => {
    order.push("a1 start");
    await gate.promise;
    order.push("a1 end");
  });
  const second = queue.run("a", () => {
    order.push("a2");
    return Promise.resolve();
  });
  const other = queue.run("b", () => {
    order.push("b1");
    return Promise.resolve();
  });
  await other;
  assert.deepEqual(order, ["a1 start", "b1"], "b does not wait for a; a2 waits for a1");
  assert.equal(queue.busy("a"), true);
  gate.resolve();
  await Promise.all([first, second]);
  assert.deepEqual(order, ["a1 start", "b1", "a1 end", "a2"]);
});

Deno.test("KeyedQueue: a failed job rejects its caller only, and idle keys are forgotten", async () => {
  const queue = new KeyedQueue();
  const failed = queue.run("k", () => Promise.reject(new Error("boom")));
  const next = queue.run("k", () => Promise.resolve(7));
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 7);
  for (let i = 0; i < 5 && queue.size > 0; i++) await Promise.resolve();
  assert.equal(queue.size, 0);
  assert.equal(queue.busy("k"), false);
});
