import assert from "node:assert/strict";
import { type ByteSink, LineWriter, MAX_WRITE_BYTES } from "./line_writer.ts";

/** A sink that takes writes only when the test lets it (a client that stopped reading). */
function gatedSink() {
  const writes: string[] = [];
  const open = Promise.withResolvers<void>();
  const sink: ByteSink = {
    async write(bytes) {
      await open.promise;
      writes.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
  return {
    sink,
    writes,
    release: () => open.resolve(),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("line writer: lines queued during a write go out together, in order", async () => {
  const gate = gatedSink();
  const writer = new LineWriter(gate.sink, { maxQueuedBytes: 1 << 20, onRoom: () => {} });
  const first = writer.push("a", false);
  const later = ["b", "c", "d"].map((line) => writer.push(line, false));
  await tick();
  assert.deepEqual(gate.writes, [], "nothing written while the client does not read");
  gate.release();
  await Promise.all([first, ...later]);
  assert.deepEqual(gate.writes, ["a\n", "b\nc\nd\n"]);
});

Deno.test("line writer: full past the bound, and onRoom once written below it", async () => {
  const gate = gatedSink();
  let rooms = 0;
  const writer = new LineWriter(gate.sink, { maxQueuedBytes: 10, onRoom: () => rooms++ });
  void writer.push("12345", false);
  assert.equal(writer.full, false);
  void writer.push("67890", false);
  assert.equal(writer.full, true, "12 bytes queued against a bound of 10");
  gate.release();
  assert.equal(await writer.drained(1_000), true);
  assert.equal(writer.full, false);
  assert.equal(rooms, 1);
});

Deno.test("line writer: drained gives up after its bound when nothing is read", async () => {
  const gate = gatedSink();
  const writer = new LineWriter(gate.sink, { maxQueuedBytes: 1 << 20, onRoom: () => {} });
  const written = writer.push("stuck", false);
  const started = Date.now();
  assert.equal(await writer.drained(50), false);
  assert.ok(Date.now() - started < 1_000);
  gate.release();
  await written;
});

Deno.test("line writer: a failed write rejects its lines and the next write still goes", async () => {
  let fail = true;
  const writes: string[] = [];
  const writer = new LineWriter(
    {
      write(bytes) {
        if (fail) return Promise.reject(new Error("broken pipe"));
        writes.push(new TextDecoder().decode(bytes));
        return Promise.resolve(bytes.length);
      },
    },
    { maxQueuedBytes: 1 << 20, onRoom: () => {} },
  );
  await assert.rejects(writer.push("lost", false), /broken pipe/);
  fail = false;
  await writer.push("next", false);
  assert.deepEqual(writes, ["next\n"]);
});

Deno.test("line writer: a short write is continued until the line is whole", async () => {
  const chunks: string[] = [];
  const writer = new LineWriter(
    {
      write(bytes) {
        const n = Math.min(3, bytes.length);
        chunks.push(new TextDecoder().decode(bytes.subarray(0, n)));
        return Promise.resolve(n);
      },
    },
    { maxQueuedBytes: 1 << 20, onRoom: () => {} },
  );
  await writer.push("abcdefg", false);
  assert.equal(chunks.join(""), "abcdefg\n");
});

Deno.test("line writer: once the reader is gone, no more writes: every line is refused, onGone told once", async () => {
  let writes = 0;
  const gone: Error[] = [];
  const stalled = Promise.withResolvers<void>();
  const writer = new LineWriter(
    {
      async write() {
        writes++;
        await stalled.promise;
        throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      },
    },
    { maxQueuedBytes: 1 << 20, onRoom: () => {}, onGone: (err) => gone.push(err) },
  );
  const first = writer.push("a", false);
  const queued = writer.push("b", false); // waits behind the write under way
  stalled.resolve();
  await assert.rejects(first, Deno.errors.BrokenPipe);
  await assert.rejects(queued, Deno.errors.BrokenPipe);
  await assert.rejects(writer.push("c", false), Deno.errors.BrokenPipe);
  assert.equal(writes, 1, "a pipe with no reader is not written again");
  assert.equal(gone.length, 1);
  assert.equal(await writer.drained(1_000), true, "nothing waits to be written");
});

Deno.test("line writer: lines queued behind a stalled write go out in bounded writes, in order", async () => {
  const gate = gatedSink();
  const writer = new LineWriter(gate.sink, { maxQueuedBytes: 1 << 30, onRoom: () => {} });
  const line = "x".repeat(100 * 1024);
  const lines = Array.from({ length: 40 }, (_, i) => `${i}${line}`);
  const written = lines.map((l) => writer.push(l, false));
  gate.release();
  await Promise.all(written);
  assert.equal(gate.writes.join(""), lines.join("\n") + "\n");
  // one write of every line would encode 4 MB at once, on top of the lines themselves
  const largest = Math.max(...gate.writes.map((w) => w.length));
  assert.ok(largest <= MAX_WRITE_BYTES + line.length + 4, `a write of ${largest} bytes`);
});
