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

Deno.test("canonicalJson() orders integer-like keys as strings, not as JavaScript does", () => {
  // JavaScript lists "9" before "10"; sorted as strings "10" comes first
  assert.equal(
    canonicalJson({ 9: "a", 10: "b", x: { 2: 0, 11: 1 } }),
    '{"10":"b","9":"a","x":{"11":1,"2":0}}',
  );
});

Deno.test("canonicalJson() writes holes and undefined items of an array as null", () => {
  // deno-lint-ignore no-sparse-arrays
  assert.equal(canonicalJson([1, , undefined, NaN]), "[1,null,null,null]");
});

Deno.test("canonicalJson() gives the same text for keys already in order and out of order", () => {
  const ordered = { a: 1, b: [{ c: 1, d: 2 }], e: "x" };
  const shuffled = { e: "x", b: [{ d: 2, c: 1 }], a: 1 };
  assert.equal(canonicalJson(ordered), JSON.stringify(ordered));
  assert.equal(canonicalJson(shuffled), JSON.stringify(ordered));
});
