import assert from "node:assert/strict";
import type { ByteSink } from "./line_writer.ts";
import { StderrQueue } from "./stderr_queue.ts";

const decoder = new TextDecoder();
const line = (text: string) => `${text}\n`;
const droppedLine = (count: number) => line(`dropped ${count}`);

/** A sink that takes writes only when the test lets it (a reader that stopped reading). */
function gatedSink() {
  const writes: string[] = [];
  let open = Promise.withResolvers<void>();
  const sink: ByteSink = {
    async write(bytes) {
      await open.promise;
      writes.push(decoder.decode(bytes));
      return bytes.length;
    },
  };
  return {
    sink,
    writes,
    release: () => open.resolve(),
    block: () => open = Promise.withResolvers(),
  };
}

Deno.test("stderr queue: lines go out in order, those queued meanwhile in one write", async () => {
  const gate = gatedSink();
  const queue = new StderrQueue(gate.sink, { droppedLine });
  for (const text of ["a", "b", "c"]) queue.push(line(text));
  assert.deepEqual(gate.writes, [], "nothing written while the reader does not read");
  gate.release();
  assert.equal(await queue.flush(1_000), true);
  assert.deepEqual(gate.writes, ["a\n", "b\nc\n"]);
});

Deno.test("stderr queue: past the bound the latest lines are held back, older ones dropped and counted", async () => {
  const gate = gatedSink();
  const queue = new StderrQueue(gate.sink, { droppedLine, maxBytes: 6, heldLines: 2 });
  queue.push(line("1")); // in the sink
  queue.push(line("2"));
  queue.push(line("3"));
  queue.push(line("4")); // 8 bytes would be queued: held back
  queue.push(line("5"));
  queue.push(line("6")); // a third held: the oldest held, 4, is dropped
  queue.push(line("7"));
  assert.equal(queue.dropped, 2);
  assert.equal(await queue.flush(50), false, "a reader that does not read: flush gives up");
  gate.release();
  assert.equal(await queue.flush(1_000), true);
  assert.deepEqual(gate.writes.join(""), "1\n2\n3\ndropped 2\n6\n7\n");
  assert.equal(queue.dropped, 0);
  queue.push(line("8"));
  await queue.flush(1_000);
  assert.equal(gate.writes.at(-1), "8\n");
});

Deno.test("stderr queue: lines held back while full go out, without a note, when none was dropped", async () => {
  const gate = gatedSink();
  const queue = new StderrQueue(gate.sink, { droppedLine, maxBytes: 4 });
  for (const text of ["1", "2", "3", "4"]) queue.push(line(text));
  assert.equal(queue.dropped, 0);
  gate.release();
  assert.equal(await queue.flush(1_000), true);
  assert.deepEqual(gate.writes.join(""), "1\n2\n3\n4\n");
});

Deno.test("stderr queue: a failed write (the reader is gone) drops everything from then on", async () => {
  let writes = 0;
  const queue = new StderrQueue({
    write() {
      writes++;
      return Promise.reject(new Deno.errors.BrokenPipe("Broken pipe (os error 32)"));
    },
  }, { droppedLine });
  queue.push(line("a"));
  assert.equal(await queue.flush(1_000), true);
  queue.push(line("b"));
  assert.equal(await queue.flush(1_000), true);
  assert.equal(writes, 1, "no write after the reader went");
});

Deno.test("stderr queue: a line pushed just as a write loop ends is written too", async () => {
  // each delay is a number of microtask turns after the first write resolves: one of them
  // falls between the end of the write loop and the moment it is seen to have ended
  for (let turns = 0; turns < 8; turns++) {
    const writes: string[] = [];
    const queue = new StderrQueue({
      write(bytes) {
        writes.push(decoder.decode(bytes));
        return Promise.resolve(bytes.length);
      },
    }, { droppedLine });
    queue.push(line("a"));
    for (let i = 0; i < turns; i++) await Promise.resolve();
    queue.push(line("b"));
    assert.equal(await queue.flush(1_000), true);
    assert.deepEqual(writes.join(""), "a\nb\n", `pushed after ${turns} turn(s)`);
  }
});
