import assert from "node:assert/strict";
import fc from "fast-check";
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

// An independent statement of the rule: keys sorted as strings at every depth.
function reference(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => item === undefined ? "null" : reference(item)).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record).sort().filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

// The same value rebuilt with every object's keys inserted in sorted order.
function insertedSorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(insertedSorted);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    Object.defineProperty(out, key, {
      value: insertedSorted(record[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

Deno.test("canonicalJson() matches the rule for any JSON value, keys in order or not", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const expected = reference(value);
      assert.equal(canonicalJson(value), expected);
      assert.equal(canonicalJson(insertedSorted(value)), expected);
    }),
    { numRuns: 1_000 },
  );
});
