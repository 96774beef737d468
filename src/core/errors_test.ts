import assert from "node:assert/strict";
import { CodegenError } from "./errors.ts";

// the shape Deno gives a write on a full file system (the real one is in the worker's
// disk-full test, which needs a small file system)
function enospc(): Error {
  const message = "No space left on device (os error 28): writefile '/host/path/a.txt'";
  return Object.assign(new Error(message), { code: "ENOSPC" });
}

Deno.test("CodegenError.from() makes a full disk LIMIT_EXCEEDED, without the OS message", () => {
  const thrown = enospc();
  const e = CodegenError.from(thrown);
  assert.equal(e.code, "LIMIT_EXCEEDED");
  assert.equal(e.message, "No space left on the disk: delete files to make room");
  assert.equal(e.cause, thrown);
  assert.equal(e.retriable, false);
  const named = CodegenError.from(thrown, "INTERNAL", { disk: "the workspace's disk" });
  assert.equal(
    named.toString(),
    "LIMIT_EXCEEDED: No space left on the workspace's disk: delete files to make room",
  );
});

Deno.test("CodegenError.from() makes an exceeded disk quota LIMIT_EXCEEDED", () => {
  const quota = Object.assign(new Error("Disk quota exceeded (os error 122): write '/x'"), {
    code: "EDQUOT",
  });
  const e = CodegenError.from(quota, "INTERNAL", { disk: "the workspace's disk" });
  assert.equal(e.code, "LIMIT_EXCEEDED");
  assert.equal(e.message, "Disk quota exceeded on the workspace's disk: delete files to make room");
  // without a code, by the message's errno
  const bare = CodegenError.from(new Error("No space left on device (os error 28)"));
  assert.equal(bare.code, "LIMIT_EXCEEDED");
});

Deno.test("CodegenError.from() keeps other errors' codes and messages", () => {
  assert.equal(CodegenError.from(new Deno.errors.NotFound("gone")).code, "NOT_FOUND");
  const other = CodegenError.from(new Error("boom (os error 5)"), "WORKER_UNAVAILABLE");
  assert.deepEqual([other.code, other.message], ["WORKER_UNAVAILABLE", "boom (os error 5)"]);
});
