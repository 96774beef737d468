import assert from "node:assert/strict";
import { boundEventStream } from "./bounded_event_stream.ts";
import { EventBudget } from "./event_budget.ts";

/** A source the test writes into, bounded by `budget`, that nobody reads. */
function unread(budget: EventBudget, maxBufferedBytes = 10_000) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const source = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const overflows: [number, string][] = [];
  const body = boundEventStream(source, {
    maxBufferedBytes,
    budget,
    onOverflow: (queued, bound) => void overflows.push([queued, bound]),
  });
  return { controller, overflows, body };
}

const turn = () => new Promise((r) => setTimeout(r, 0));

Deno.test("Past the budget of all streams, the stream holding the most ends; the rest keep theirs", async () => {
  const budget = new EventBudget(1_000);
  const big = unread(budget);
  const small = unread(budget);
  for (let i = 0; i < 7; i++) big.controller.enqueue(new Uint8Array(100));
  // a finished answer nobody reads still counts
  big.controller.close();
  for (let i = 0; i < 3; i++) small.controller.enqueue(new Uint8Array(100));
  await turn();
  assert.equal(budget.held, 1_000);
  assert.deepEqual(big.overflows, []);

  small.controller.enqueue(new Uint8Array(100));
  await turn();
  assert.deepEqual(big.overflows, [[700, "total"]]);
  assert.deepEqual(small.overflows, []);
  assert.equal(budget.held, 400);

  // what a client reads is given back
  const reader = small.body.getReader();
  for (let i = 0; i < 4; i++) await reader.read();
  assert.equal(budget.held, 0);
  await reader.cancel();
  await big.body.cancel();
});

Deno.test("A large event is handed on in slices, so what the client has not read still counts", async () => {
  const budget = new EventBudget(100 * 1024 * 1024);
  const stream = unread(budget, budget.max);
  const event = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
  stream.controller.enqueue(event);
  stream.controller.close();
  await turn();
  assert.equal(budget.held, event.byteLength);
  const reader = stream.body.getReader();
  const first = await reader.read();
  assert.ok(first.value!.byteLength < event.byteLength);
  assert.equal(budget.held, event.byteLength - first.value!.byteLength);
  const parts = [first.value!];
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    parts.push(next.value);
  }
  const joined = new Uint8Array(event.byteLength);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.byteLength;
  }
  assert.deepEqual(joined, event);
  assert.equal(budget.held, 0);
});
