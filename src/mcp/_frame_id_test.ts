import assert from "node:assert/strict";
import { firstBytes, frameRequestId, lastBytes } from "./_frame_id.ts";

Deno.test("frameRequestId() finds the id at the start or the end of a frame", () => {
  assert.equal(frameRequestId('{"jsonrpc":"2.0","id":7,"method":"tools/call"', ""), 7);
  assert.equal(frameRequestId('{ "id" : "a-1", "jsonrpc":"2.0"', ""), "a-1");
  assert.equal(
    frameRequestId('{"method":"tools/call","params":{', ',"jsonrpc":"2.0","id":42}'),
    42,
  );
  assert.equal(frameRequestId("{", '"id":"req-9"}\r'), "req-9");
});

Deno.test("frameRequestId() ignores id-like text inside the arguments", () => {
  const head = '{"method":"tools/call","params":{"arguments":{"contents":"\\"id\\":5';
  assert.equal(frameRequestId(head, 'xxx"id":3 and more"}}}'), undefined);
  assert.equal(frameRequestId("not json", "at all"), undefined);
  assert.equal(frameRequestId('{"id":{"x":1}', ""), undefined);
});

Deno.test("firstBytes() and lastBytes() keep the ends of a long line", () => {
  const b = (s: string) => new TextEncoder().encode(s);
  const t = (u: Uint8Array) => new TextDecoder().decode(u);
  assert.equal(t(firstBytes([b("ab"), b("cd")], b("ef"), 5)), "abcde");
  assert.equal(t(firstBytes([], b("ab"), 5)), "ab");
  assert.equal(t(lastBytes(b("abc"), b("de"), 4)), "bcde");
  assert.equal(t(lastBytes(b("abc"), b("defgh"), 4)), "efgh");
});
