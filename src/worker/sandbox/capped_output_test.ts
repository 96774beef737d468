import assert from "node:assert/strict";
import fc from "fast-check";
import { CappedOutput } from "./capped_output.ts";

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

Deno.test("CappedOutput keeps output exactly at the cap, in one chunk or several, untruncated", () => {
  const whole = new CappedOutput(5);
  assert.equal(whole.push(enc.encode("abcde")), "abcde");
  assert.equal(whole.text(), "abcde");
  assert.equal(whole.truncated, false);
  const split = new CappedOutput(5);
  split.push(enc.encode("abc"));
  split.push(enc.encode("de"));
  assert.equal(split.text(), "abcde");
  assert.equal(split.truncated, false);
});

Deno.test("CappedOutput reports truncated for one byte over the cap, in its own chunk too", () => {
  const whole = new CappedOutput(5);
  assert.equal(whole.push(enc.encode("abcdef")), "abcde");
  assert.equal(whole.text(), "abcde");
  assert.equal(whole.truncated, true);
  const split = new CappedOutput(5);
  assert.equal(split.push(enc.encode("abcde")), "abcde");
  assert.equal(split.push(enc.encode("f")), "");
  assert.equal(split.text(), "abcde");
  assert.equal(split.truncated, true);
});

Deno.test("CappedOutput keeps a character that ends exactly at the cap across chunks", () => {
  const out = new CappedOutput(4);
  const euro = enc.encode("€"); // 3 bytes
  out.push(enc.encode("a"));
  out.push(euro.subarray(0, 2));
  out.push(euro.subarray(2));
  assert.equal(out.text(), "a€");
  assert.equal(out.truncated, false);
});

Deno.test("CappedOutput passes its listener all text, kept and dropped, each piece once", () => {
  const seen: string[] = [];
  const out = new CappedOutput(4, (text) => seen.push(text));
  const bytes = enc.encode("aé€x😀"); // the cap (4 bytes) falls inside €
  for (const byte of bytes) out.push(Uint8Array.of(byte)); // every character straddles chunks
  assert.equal(out.text(), "aé");
  assert.equal(out.truncated, true);
  assert.equal(seen.join(""), "aé€x😀");
});

Deno.test("CappedOutput's listener gets U+FFFD for an unfinished character at the end, past the cap", () => {
  const seen: string[] = [];
  const out = new CappedOutput(2, (text) => seen.push(text));
  out.push(enc.encode("abc"));
  out.push(enc.encode("€").subarray(0, 2)); // the stream ends inside a character
  assert.equal(out.text(), "ab");
  assert.equal(seen.join(""), "abc\uFFFD");
});

// An independent statement of the cap: the longest run of whole characters from the start
// whose UTF-8 length is within the limit, and truncated exactly when any byte was dropped.
function expectedKept(text: string, limit: number): string {
  let bytes = 0;
  let kept = "";
  for (const char of text) {
    bytes += enc.encode(char).length;
    if (bytes > limit) break;
    kept += char;
  }
  return kept;
}

Deno.test("CappedOutput keeps whole characters within the cap however the bytes are chunked", () => {
  const chars = fc.constantFrom("a", "\n", "é", "€", "😀");
  fc.assert(
    fc.property(
      fc.string({ unit: chars, maxLength: 40 }),
      fc.nat({ max: 60 }),
      fc.array(fc.nat({ max: 200 }), { maxLength: 10 }),
      (text, limit, cuts) => {
        const bytes = enc.encode(text);
        const seen: string[] = [];
        const out = new CappedOutput(limit, (t) => seen.push(t));
        const bounds = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])]
          .sort((a, b) => a - b);
        let pushed = "";
        for (let i = 1; i < bounds.length; i++) {
          pushed += out.push(bytes.subarray(bounds[i - 1], bounds[i]));
        }
        const kept = out.text();
        assert.equal(kept, expectedKept(text, limit));
        assert.ok(kept.startsWith(pushed), "push() returns the kept text as it comes");
        assert.equal(out.truncated, bytes.length > limit);
        assert.equal(seen.join(""), text);
      },
    ),
  );
});
