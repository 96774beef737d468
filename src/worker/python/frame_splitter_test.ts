import assert from "node:assert/strict";
import { FrameSplitter, indexOf } from "./frame_splitter.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const MARK = enc.encode("\x00\x1eabc\x1e");

function feed(splitter: FrameSplitter, chunks: string[]): { data: string; after?: string } {
  let data = "";
  let after: string | undefined;
  for (const c of chunks) {
    const r = splitter.push(enc.encode(c));
    data += dec.decode(r.data);
    if (r.after) after = dec.decode(r.after);
  }
  return after === undefined ? { data } : { data, after };
}

Deno.test("FrameSplitter passes output through and stops at the marker", () => {
  const s = new FrameSplitter();
  s.arm(MARK);
  assert.deepEqual(feed(s, ["hello ", 'world\x00\x1eabc\x1e{"exit_code":0}\n']), {
    data: "hello world",
    after: '{"exit_code":0}\n',
  });
});

Deno.test("FrameSplitter finds a marker split across chunks without leaking any of it", () => {
  const s = new FrameSplitter();
  s.arm(MARK);
  const r = feed(s, ["out\x00", "\x1eab", "c\x1erest"]);
  assert.deepEqual(r, { data: "out", after: "rest" });
});

Deno.test("FrameSplitter releases held bytes that turn out not to be a marker", () => {
  const s = new FrameSplitter();
  s.arm(MARK);
  const r = feed(s, ["a\x00\x1ea", "bX"]);
  assert.equal(r.data, "a\x00\x1eabX");
  assert.equal(r.after, undefined);
});

Deno.test("FrameSplitter ignores a marker with another nonce", () => {
  const s = new FrameSplitter();
  s.arm(MARK);
  const r = feed(s, ["\x00\x1exyz\x1e tail"]);
  assert.equal(r.data + dec.decode(s.flush()), "\x00\x1exyz\x1e tail");
});

Deno.test("indexOf finds byte sequences", () => {
  assert.equal(indexOf(enc.encode("abcabd"), enc.encode("abd")), 3);
  assert.equal(indexOf(enc.encode("abc"), enc.encode("abd")), -1);
  assert.equal(indexOf(enc.encode("ab"), enc.encode("abc")), -1);
});
