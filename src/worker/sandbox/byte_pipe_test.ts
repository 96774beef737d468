import assert from "node:assert/strict";
import { bytePipe } from "./byte_pipe.ts";

Deno.test("bytePipe() accepts a byte stream and leaves it unlocked; refuses a default stream", () => {
  const bytes = new ReadableStream<Uint8Array>({ type: "bytes" });
  assert.equal(bytePipe(bytes), bytes);
  assert.equal(bytes.locked, false);
  assert.throws(() => bytePipe(new ReadableStream<Uint8Array>()), TypeError);
});
