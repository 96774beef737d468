import assert from "node:assert/strict";
import { type ByteSink, LineWriter } from "./line_writer.ts";

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
  const writer = new LineWriter(gate.sink, 1 << 20, () => {});
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
  const writer = new LineWriter(gate.sink, 10, () => rooms++);
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
  const writer = new LineWriter(gate.sink, 1 << 20, () => {});
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
    1 << 20,
    () => {},
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
    1 << 20,
    () => {},
  );
  await writer.push("abcdefg", false);
  assert.equal(chunks.join(""), "abcdefg\n");
});
