import assert from "node:assert/strict";
import { CappedOutput, utf8Boundary } from "./capped_output.ts";

const enc = new TextEncoder();

Deno.test("CappedOutput keeps everything under the cap and is not truncated", () => {
  const out = new CappedOutput(10);
  assert.equal(out.push(enc.encode("hello ")), "hello ");
  assert.equal(out.push(enc.encode("you")), "you");
  assert.equal(out.text(), "hello you");
  assert.equal(out.truncated, false);
});

Deno.test("CappedOutput stops at the cap, drops later chunks and reports truncated", () => {
  const out = new CappedOutput(5);
  assert.equal(out.push(enc.encode("abcdefgh")), "abcde");
  assert.equal(out.push(enc.encode("i")), "");
  assert.equal(out.text(), "abcde");
  assert.equal(out.truncated, true);
});

Deno.test("CappedOutput never cuts a multi-byte character in half", () => {
  const out = new CappedOutput(4);
  out.push(enc.encode("aé€")); // 1 + 2 + 3 bytes
  assert.equal(out.text(), "aé");
  assert.ok(enc.encode(out.text()).length <= 4);
});

Deno.test("CappedOutput decodes characters split across chunks", () => {
  const out = new CappedOutput(100);
  const bytes = enc.encode("€");
  out.push(bytes.subarray(0, 1));
  out.push(bytes.subarray(1));
  assert.equal(out.text(), "€");
});

Deno.test("CappedOutput drops a character the cap splits across chunks, not ending in U+FFFD", () => {
  const out = new CappedOutput(3);
  const euro = enc.encode("€"); // 3 bytes
  out.push(enc.encode("ab"));
  out.push(euro.subarray(0, 1)); // fits: the cap is reached inside the character
  out.push(euro.subarray(1));
  assert.equal(out.text(), "ab");
  assert.equal(out.truncated, true);
});

Deno.test("utf8Boundary steps back to the start of a character", () => {
  const bytes = enc.encode("a€"); // 61 e2 82 ac
  assert.equal(utf8Boundary(bytes, 2), 1);
  assert.equal(utf8Boundary(bytes, 1), 1);
  assert.equal(utf8Boundary(bytes, 9), 4);
});
