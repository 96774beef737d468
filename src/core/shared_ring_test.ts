import assert from "node:assert/strict";
import { createRingBuffer, RingReader, RingWriter } from "./shared_ring.ts";

// A pending Atomics.waitAsync does not keep the event loop alive, and within one thread
// nothing else here does: each test keeps a timer running while its rings work. (Between
// threads, the other thread's Worker keeps the loop alive.)
function test(name: string, fn: () => void | Promise<void>): void {
  Deno.test(name, async () => {
    const alive = setInterval(() => {}, 5);
    try {
      await fn();
    } finally {
      clearInterval(alive);
    }
  });
}

/** Reads until the writer closes the ring; returns every message in order. */
async function readAll(reader: RingReader): Promise<string[]> {
  const got: string[] = [];
  await reader.run((text) => got.push(text));
  return got;
}

test("a ring delivers messages in order, across its end, and ends when closed", async () => {
  const buffer = createRingBuffer(64);
  const writer = new RingWriter(buffer);
  const reading = readAll(new RingReader(buffer));
  // 40 messages of 4 + 2..28 bytes through 64 bytes: the data wraps around many times
  const sent = Array.from({ length: 40 }, (_, i) => `m${i}:${"é".repeat(i % 13)}`);
  for (const text of sent) writer.write(text);
  assert.ok(writer.backlog > 0, "more was written than the ring holds");
  // closing still delivers what is queued, then ends the reader
  writer.close();
  assert.throws(() => writer.write("late"), /closed/);
  assert.deepEqual(await reading, sent);
  assert.equal(writer.backlog, 0);
});

test("RingWriter.abort() drops what is not yet in the ring and ends the reader", async () => {
  const buffer = createRingBuffer(64);
  const writer = new RingWriter(buffer);
  for (let i = 0; i < 20; i++) writer.write(`message ${i}`);
  writer.abort();
  assert.equal(writer.backlog, 0);
  const got = await readAll(new RingReader(buffer));
  // only what fit before the abort: whole messages, in order
  assert.ok(got.length > 0 && got.length < 20, String(got.length));
  assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => `message ${i}`));
});

test("a message many times larger than the ring streams through whole", async () => {
  const buffer = createRingBuffer(64);
  const writer = new RingWriter(buffer);
  const got: string[] = [];
  const reader = new RingReader(buffer);
  const big = "x".repeat(10_000) + "é".repeat(3_000) + "end";
  const done = reader.run((text) => {
    got.push(text);
    if (got.length === 3) reader.stop();
  });
  writer.write("before");
  writer.write(big);
  writer.write("after");
  await done;
  assert.deepEqual(got, ["before", big, "after"]);
  assert.equal(writer.backlog, 0);
});

test("a reader started late gets what was written before, and an empty message", async () => {
  const buffer = createRingBuffer(1024);
  const writer = new RingWriter(buffer);
  writer.write("one");
  writer.write("");
  writer.write("three");
  writer.close();
  assert.deepEqual(await readAll(new RingReader(buffer)), ["one", "", "three"]);
});

test("RingReader.stop() ends a reader waiting on an empty ring", async () => {
  const reader = new RingReader(createRingBuffer(64));
  const done = readAll(reader);
  await new Promise((resolve) => setTimeout(resolve, 10));
  reader.stop();
  assert.deepEqual(await done, []);
});

test("an exception from the reader's callback ends run() with it", async () => {
  const buffer = createRingBuffer(64);
  new RingWriter(buffer).write("boom");
  await assert.rejects(
    new RingReader(buffer).run(() => {
      throw new Error("callback failed");
    }),
    /callback failed/,
  );
});

test("createRingBuffer() wants a power of two of at least 64 bytes", () => {
  for (const bad of [0, 63, 100, 1.5, -64]) {
    assert.throws(() => createRingBuffer(bad), RangeError, String(bad));
  }
  assert.equal(createRingBuffer(128).byteLength, 16 + 128);
});

test("two threads exchange large and small messages both ways at once", async () => {
  const toThread = createRingBuffer(4096);
  const fromThread = createRingBuffer(4096);
  // the thread echoes every message back, reversed, until the ring closes
  const source = `
    import { RingReader, RingWriter } from ${
    JSON.stringify(import.meta.resolve("./shared_ring.ts"))
  };
    self.onmessage = async (e) => {
      const out = new RingWriter(e.data.fromThread);
      await new RingReader(e.data.toThread).run((t) => out.write([...t].reverse().join("")));
      out.close();
    };`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    worker.postMessage({ toThread, fromThread });
    const writer = new RingWriter(toThread);
    const sent = Array.from(
      { length: 60 },
      (_, i) => i % 10 === 0 ? `big${i}`.padEnd(50_000, "abcé") : `small ${i}`,
    );
    const reading = readAll(new RingReader(fromThread));
    // both directions carry far more than the ring holds; neither thread blocks the other
    for (const text of sent) writer.write(text);
    writer.close();
    assert.deepEqual(await reading, sent.map((t) => [...t].reverse().join("")));
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});

test("a close right after the reader took the last message always ends its run", () => {
  // the reader's thread reads ring after ring; this thread closes each the moment its one
  // message was taken, into the reader's window between looking at the closed flag and
  // waiting (a close there was lost, and the run waited forever: in 2 of 4 runs of 400)
  const rounds = 2_000;
  const rings = Array.from({ length: rounds }, () => createRingBuffer(64));
  const done = new Int32Array(new SharedArrayBuffer(4 * rounds));
  const source = `
    import { RingReader } from ${JSON.stringify(import.meta.resolve("./shared_ring.ts"))};
    self.onmessage = async (e) => {
      const { rings, done } = e.data;
      for (let i = 0; i < rings.length; i++) {
        await new RingReader(rings[i]).run(() => {});
        Atomics.store(done, i, 1);
        Atomics.notify(done, i);
      }
    };`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    worker.postMessage({ rings, done });
    for (let i = 0; i < rounds; i++) {
      const read = new Int32Array(rings[i]!, 4, 1);
      const writer = new RingWriter(rings[i]!);
      writer.write("x");
      const taken = performance.now() + 2_000;
      while (Atomics.load(read, 0) === 0 && performance.now() < taken) { /* the window */ }
      writer.close();
      // blocking: the next round starts while the reader is still running, as hot as this
      Atomics.wait(done, i, 0, 2_000);
      assert.equal(Atomics.load(done, i), 1, `round ${i}: the reader never saw the close`);
    }
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});

test("a last message written just before the close is read even when both land mid-look", async () => {
  // replays one interleaving: the writer's last write and its close land between the
  // reader's look at the byte count and its look at the closed flag
  const buffer = createRingBuffer(64);
  const writer = new RingWriter(buffer);
  const reader = new RingReader(buffer);
  const load = Atomics.load;
  let armed = true;
  const atomics = Atomics as unknown as { load: typeof Atomics.load };
  atomics.load = ((array: Int32Array, index: number) => {
    if (armed && array.buffer === buffer && index === 2) {
      armed = false;
      writer.write("last");
      writer.close();
    }
    return load(array, index);
  }) as typeof Atomics.load;
  try {
    assert.deepEqual(await readAll(reader), ["last"]);
  } finally {
    atomics.load = load;
  }
});

test("a close landing right after the reader looked at the closed flag ends its run", async () => {
  // replays the interleaving the threaded test above hits only now and then
  const buffer = createRingBuffer(64);
  const writer = new RingWriter(buffer);
  const load = Atomics.load;
  let armed = true;
  const atomics = Atomics as unknown as { load: typeof Atomics.load };
  atomics.load = ((array: Int32Array, index: number) => {
    const value = load(array, index);
    if (armed && array.buffer === buffer && index === 2) {
      armed = false;
      writer.close();
    }
    return value;
  }) as typeof Atomics.load;
  try {
    const run = readAll(new RingReader(buffer));
    const late = new Promise<"hung">((r) => setTimeout(() => r("hung"), 2_000));
    assert.deepEqual(await Promise.race([run, late]), []);
  } finally {
    atomics.load = load;
  }
});
