import assert from "node:assert/strict";
import fc from "fast-check";
import { IndexedHeap } from "./mod.ts";

interface Item {
  key: number;
  name: string;
}

function smallerFirst(a: Item, b: Item): boolean {
  return a.key !== b.key ? a.key < b.key : a.name < b.name;
}

function drain(heap: IndexedHeap<Item>): string[] {
  const out: string[] = [];
  for (let item = heap.pop(); item; item = heap.pop()) out.push(item.name);
  return out;
}

Deno.test("IndexedHeap pops items in comparator order", () => {
  const heap = new IndexedHeap<Item>(smallerFirst);
  for (const [name, key] of [["c", 3], ["a", 1], ["e", 5], ["b", 2], ["d", 4]] as const) {
    heap.push({ key, name });
  }
  assert.equal(heap.peek()?.name, "a");
  assert.deepEqual(drain(heap), ["a", "b", "c", "d", "e"]);
  assert.equal(heap.size, 0);
});

Deno.test("IndexedHeap.update() moves an item whose key changed", () => {
  const heap = new IndexedHeap<Item>(smallerFirst);
  const items = [1, 2, 3, 4].map((key) => ({ key, name: `n${key}` }));
  for (const item of items) heap.push(item);
  items[3]!.key = 0;
  heap.update(items[3]!);
  assert.equal(heap.peek()?.name, "n4");
  items[3]!.key = 10;
  heap.update(items[3]!);
  assert.deepEqual(drain(heap), ["n1", "n2", "n3", "n4"]);
});

Deno.test("IndexedHeap.remove() takes out an item from the middle and ignores absent ones", () => {
  const heap = new IndexedHeap<Item>(smallerFirst);
  const items = [5, 1, 4, 2, 3].map((key) => ({ key, name: `n${key}` }));
  for (const item of items) heap.push(item);
  assert.equal(heap.remove(items[2]!), true);
  assert.equal(heap.remove(items[2]!), false);
  assert.equal(heap.has(items[2]!), false);
  assert.deepEqual(drain(heap), ["n1", "n2", "n3", "n5"]);
});

Deno.test("IndexedHeap agrees with a sorted list under random pushes, updates and removals", () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant("push" as const), key: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ kind: fc.constant("update" as const), at: fc.nat(), key: fc.integer({ max: 20 }) }),
    fc.record({ kind: fc.constant("remove" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("pop" as const) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
    const heap = new IndexedHeap<Item>(smallerFirst);
    const model: Item[] = [];
    let made = 0;
    for (const step of ops) {
      if (step.kind === "push") {
        const item = { key: step.key, name: `i${String(made++).padStart(4, "0")}` };
        heap.push(item);
        model.push(item);
      } else if (step.kind === "pop") {
        model.sort((a, b) => (smallerFirst(a, b) ? -1 : 1));
        assert.equal(heap.pop(), model.shift());
      } else if (model.length > 0) {
        const item = model[step.at % model.length]!;
        if (step.kind === "update") {
          item.key = step.key;
          heap.update(item);
        } else {
          heap.remove(item);
          model.splice(model.indexOf(item), 1);
        }
      }
      assert.equal(heap.size, model.length);
    }
    model.sort((a, b) => (smallerFirst(a, b) ? -1 : 1));
    assert.deepEqual(drain(heap), model.map((item) => item.name));
  }));
});
