import assert from "node:assert/strict";
import { boundEventStream } from "./bounded_event_stream.ts";

/** A source stream the test writes into, and what happened to it. */
function source(): {
  stream: ReadableStream<Uint8Array>;
  controller: ReadableStreamDefaultController<Uint8Array>;
  cancelled: Promise<unknown>;
} {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const cancelled = Promise.withResolvers<unknown>();
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
    cancel: (reason) => cancelled.resolve(reason),
  });
  return { stream, controller, cancelled: cancelled.promise };
}

function chunk(n: number, size = 100): Uint8Array {
  return new Uint8Array(size).fill(n % 256);
}

Deno.test("boundEventStream gives a client that reads every chunk, past maxBufferedBytes in all, then the end", async () => {
  const src = source();
  const overflows: number[] = [];
  const body = boundEventStream(src.stream, {
    maxBufferedBytes: 1000,
    onOverflow: (queued) => void overflows.push(queued),
  });
  const reader = body.getReader();
  const received: number[] = [];
  for (let i = 0; i < 100; i++) {
    // three chunks wait at a time: under the bound
    for (let j = 0; j < 3; j++) src.controller.enqueue(chunk(3 * i + j));
    for (let j = 0; j < 3; j++) {
      const { value } = await reader.read();
      received.push(value?.[0] ?? -1);
    }
  }
  src.controller.close();
  assert.equal((await reader.read()).done, true);
  assert.deepEqual(received, Array.from({ length: 300 }, (_, n) => n % 256));
  assert.deepEqual(overflows, []);
});

Deno.test("boundEventStream drops what waits past maxBufferedBytes, ends the stream and cancels its source", async () => {
  const src = source();
  const overflow = Promise.withResolvers<number>();
  const body = boundEventStream(src.stream, {
    maxBufferedBytes: 1000,
    onOverflow: overflow.resolve,
  });
  // nobody reads: the eleventh chunk of 100 bytes passes the bound
  for (let i = 0; i < 11; i++) src.controller.enqueue(chunk(i));
  assert.equal(await overflow.promise, 1100);
  assert.match(String(await src.cancelled), /Too many bytes of events wait for the client/);
  // the client that comes back finds the stream ended, with nothing held for it
  const reader = body.getReader();
  assert.deepEqual(await reader.read(), { done: true, value: undefined });
});

Deno.test("boundEventStream ends with what onOverflow returns, for a client that reads later", async () => {
  const src = source();
  const body = boundEventStream(src.stream, {
    maxBufferedBytes: 1000,
    onOverflow: () => new TextEncoder().encode("the end"),
  });
  for (let i = 0; i < 11; i++) src.controller.enqueue(chunk(i));
  await src.cancelled;
  const reader = body.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), "the end");
  assert.equal((await reader.read()).done, true);
});

Deno.test("boundEventStream ends with what came before when its source fails", async () => {
  const src = source();
  const body = boundEventStream(src.stream, { onOverflow: () => {} });
  src.controller.enqueue(chunk(7, 3));
  src.controller.error(new Error("source broke"));
  const reader = body.getReader();
  assert.deepEqual((await reader.read()).value, chunk(7, 3));
  assert.equal((await reader.read()).done, true);
});

Deno.test("Cancelling a boundEventStream (the client went away) cancels its source", async () => {
  const src = source();
  const body = boundEventStream(src.stream, { onOverflow: () => assert.fail("no overflow") });
  src.controller.enqueue(chunk(1));
  const reader = body.getReader();
  const pending = reader.read();
  assert.deepEqual((await pending).value, chunk(1));
  const waiting = reader.read();
  await reader.cancel("gone");
  assert.equal((await waiting).done, true);
  assert.equal(await src.cancelled, "gone");
});

Deno.test("boundEventStream gives a backlog read late in order, under maxBufferedBytes", async () => {
  const src = source();
  const body = boundEventStream(src.stream, { onOverflow: () => assert.fail("no overflow") });
  // many small events wait before the client reads any of them
  for (let i = 0; i < 5000; i++) src.controller.enqueue(Uint8Array.of(i & 255, i >> 8));
  src.controller.close();
  const received: number[] = [];
  for await (const c of body) received.push(c[0]! + 256 * c[1]!);
  assert.deepEqual(received, Array.from({ length: 5000 }, (_, n) => n));
});
