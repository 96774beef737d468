import assert from "node:assert/strict";
import { bytePipe } from "./byte_pipe.ts";
import { readChunks } from "./read_chunks.ts";

/** A byte stream giving one of `chunks` per read, then closed, or left open when `open`. */
function pipeOf(chunks: string[], open = false) {
  const queue = [...chunks];
  return bytePipe(
    new ReadableStream({
      type: "bytes",
      pull(controller) {
        const next = queue.shift();
        if (next !== undefined) return controller.enqueue(new TextEncoder().encode(next));
        if (open) return new Promise<void>(() => {}); // nothing more, not ended either
        controller.close();
        controller.byobRequest?.respond(0);
      },
    }),
  );
}

Deno.test("readChunks() hands over every chunk, then ends with the stream", async () => {
  const seen: string[] = [];
  const reader = pipeOf(["ab", "c"]).getReader({ mode: "byob" });
  await readChunks(reader, (chunk) => seen.push(new TextDecoder().decode(chunk)));
  assert.deepEqual(seen, ["ab", "c"]);
});

Deno.test("readChunks() ends quietly when its reader is cancelled or the pipe errors", async () => {
  const open = pipeOf(["a"], true).getReader({ mode: "byob" });
  const reading = readChunks(open, () => void open.cancel());
  await reading; // a cancel ends the loop: no throw
  let fail!: (e: Error) => void;
  const broken = bytePipe(
    new ReadableStream({
      type: "bytes",
      start: (controller) => void (fail = (e) => controller.error(e)),
    }),
  ).getReader({ mode: "byob" });
  const readingBroken = readChunks(broken, () => {});
  fail(new Error("broken pipe"));
  await readingBroken;
});

Deno.test("readChunks() rejects with a consumer's own error and reads no further", async () => {
  const seen: number[] = [];
  const boom = new Error("consumer failed");
  const reader = pipeOf(["a", "b", "c"], true).getReader({ mode: "byob" });
  await assert.rejects(
    readChunks(reader, (chunk) => {
      seen.push(chunk.length);
      throw boom;
    }),
    (e) => e === boom,
  );
  assert.deepEqual(seen, [1]);
  await reader.cancel();
});
