import assert from "node:assert/strict";
import { SmallestN } from "./smallest.ts";

const byNumber = (a: number, b: number) => a - b;

Deno.test("SmallestN keeps the n smallest items, whatever order they come in", () => {
  // a fixed pseudo-random order (no Math.random: a failure must be reproducible)
  const items = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
  for (const n of [0, 1, 2, 7, 100, 1000, 2000]) {
    const kept = new SmallestN(n, byNumber);
    for (const item of items) kept.offer(item);
    const expected = items.toSorted(byNumber).slice(0, n);
    assert.deepEqual(kept.sorted(), expected, `n = ${n}`);
    assert.equal(kept.size, expected.length);
  }
});

Deno.test("SmallestN never holds more than its capacity", () => {
  const kept = new SmallestN(3, byNumber);
  for (let i = 10; i > 0; i--) {
    kept.offer(i);
    assert.ok(kept.size <= 3);
  }
  assert.deepEqual(kept.sorted(), [1, 2, 3]);
});

Deno.test("SmallestN keeps equal items as offered", () => {
  const kept = new SmallestN(2, (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of ["b", "a", "b", "c", "a"]) kept.offer(name);
  assert.deepEqual(kept.sorted(), ["a", "a"]);
});
