import assert from "node:assert/strict";
import { canonicalJson } from "./canonical_json.ts";

Deno.test("canonicalJson() sorts keys at every depth so field order does not change it", () => {
  const a = canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: "x" } });
  const b = canonicalJson({ a: { c: "x", d: [1, { y: 2, z: 1 }] }, b: 1 });
  assert.equal(a, b);
  assert.equal(a, '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
});

Deno.test("canonicalJson() drops undefined fields like JSON.stringify", () => {
  assert.equal(canonicalJson({ a: undefined, b: null, c: [undefined] }), '{"b":null,"c":[null]}');
});

Deno.test("canonicalJson() escapes strings as JSON does", () => {
  assert.equal(canonicalJson({ 'k"\n': 'v"\n' }), '{"k\\"\\n":"v\\"\\n"}');
});
