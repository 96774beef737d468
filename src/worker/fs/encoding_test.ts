import assert from "node:assert/strict";
import { base64Size, decodeBase64, decodeUtf8, encodeBase64, utf8Boundary } from "./encoding.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

Deno.test("decodeUtf8() keeps a BOM and rejects invalid bytes", () => {
  assert.equal(decodeUtf8(utf8("\uFEFFhi")), "\uFEFFhi");
  assert.equal(decodeUtf8(new Uint8Array([0x68, 0xc3])), null);
});

Deno.test("utf8Boundary() cuts before an incomplete trailing character only", () => {
  const bytes = utf8("aé€😀");
  assert.equal(utf8Boundary(bytes), bytes.length);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const keep = utf8Boundary(bytes.subarray(0, cut));
    assert.ok(keep <= cut && cut - keep < 4);
    assert.notEqual(decodeUtf8(bytes.subarray(0, keep)), null, `cut at ${cut}`);
  }
});

Deno.test("decodeBase64() accepts only canonical padded base64", () => {
  assert.deepEqual(decodeBase64("YWJj"), utf8("abc"));
  assert.deepEqual(decodeBase64("YQ=="), utf8("a"));
  assert.deepEqual(decodeBase64(""), new Uint8Array());
  for (const bad of ["YQ", "YQ=", "Y", "YR==", "YW Jj", "YWJj\n", "-_8=", "YQ==YQ==", "é"]) {
    assert.equal(decodeBase64(bad), null, bad);
  }
});

Deno.test("base64Size() predicts the decoded size and encodeBase64() round-trips", () => {
  for (let n = 0; n < 10; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => i * 37);
    const text = encodeBase64(bytes);
    assert.equal(base64Size(text), n);
    assert.deepEqual(decodeBase64(text), bytes);
  }
});
