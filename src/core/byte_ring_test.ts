import assert from "node:assert/strict";
import { ByteRingReader, ByteRingWriter } from "./byte_ring.ts";
import { createRingBuffer } from "./shared_ring.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

Deno.test("byte ring: bytes come out in order, in contiguous runs across the wrap", () => {
  const buffer = createRingBuffer(64);
  const writer = new ByteRingWriter(buffer);
  const reader = new ByteRingReader(buffer);
  assert.equal(writer.put(new Uint8Array(60).fill(1)), 60);
  assert.equal(reader.take(0)!.length, 60);
  reader.release(60);
  // 10 bytes: 4 before the end of the data area, 6 after its start
  assert.equal(writer.put(bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)), 10);
  assert.equal(writer.queued, 10);
  assert.deepEqual([...reader.take(0)!], [0, 1, 2, 3]);
  reader.release(4);
  assert.deepEqual([...reader.take(0)!], [4, 5, 6, 7, 8, 9]);
  reader.release(6);
  assert.equal(writer.queued, 0);
  assert.equal(reader.take(0)!.length, 0, "nothing queued: an empty run after the wait");
});

Deno.test("byte ring: a full ring takes only what fits, and room comes back on release", async () => {
  const buffer = createRingBuffer(64);
  const writer = new ByteRingWriter(buffer);
  const reader = new ByteRingReader(buffer);
  assert.equal(writer.put(new Uint8Array(100)), 64, "the first 64 bytes fit");
  assert.equal(writer.put(bytes(1)), 0, "no room");
  const taken = writer.taken();
  reader.release(reader.take(0)!.length);
  await taken; // resolves once the reader hands room back
  assert.equal(writer.put(bytes(1, 2)), 2);
});

Deno.test("byte ring: a closed ring ends the reader once it is drained", () => {
  const buffer = createRingBuffer(64);
  const writer = new ByteRingWriter(buffer);
  const reader = new ByteRingReader(buffer);
  writer.put(bytes(7));
  writer.close();
  assert.deepEqual([...reader.take(0)!], [7], "what was queued before the close still comes");
  reader.release(1);
  assert.equal(reader.take(0), null);
});

Deno.test("byte ring: the reader's failure reaches the writer and ends its wait", async () => {
  const buffer = createRingBuffer(64);
  const writer = new ByteRingWriter(buffer);
  const reader = new ByteRingReader(buffer);
  writer.put(new Uint8Array(64));
  const taken = writer.taken();
  reader.fail(3);
  await taken;
  assert.equal(writer.failure, 3);
  await writer.taken(); // at once now
});
