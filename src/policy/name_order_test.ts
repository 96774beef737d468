import assert from "node:assert/strict";
import fc from "fast-check";
import { compareNames, firstAfter, sortNames } from "./mod.ts";

// the reference: compare code point by code point
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

Deno.test("compareNames() orders by code point, so U+FF01 comes before U+1F600 (unlike <)", () => {
  const names = ["\u{1F600}", "\uFF01", "b", "a", "ab", "\uE000x", "\u{10000}"];
  assert.deepEqual(names.toSorted(compareNames), [
    "a",
    "ab",
    "b",
    "\uE000x",
    "\uFF01",
    "\u{10000}",
    "\u{1F600}",
  ]);
  assert.ok("\u{1F600}" < "\uFF01", "JavaScript's < puts them the other way round");
  assert.equal(compareNames("x", "x"), 0);
});

Deno.test("compareNames() agrees in sign with code point order and UTF-8 byte order", () => {
  const encoder = new TextEncoder();
  const byBytes = (a: string, b: string) => {
    const x = encoder.encode(a);
    const y = encoder.encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  // any code point, with the ones around the surrogate range often
  const unit = fc.oneof(
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    fc.constantFrom("a", "\uD7FF", "\uE000", "\uFFFD", "\u{10000}", "\u{1F600}"),
  );
  const text = fc.string({ unit, maxLength: 6 });
  fc.assert(
    fc.property(text, text, (a, b) => {
      const sign = Math.sign(compareNames(a, b));
      assert.equal(sign, Math.sign(byCodePoint(a, b)), `${JSON.stringify(a)} ${JSON.stringify(b)}`);
      assert.equal(sign, Math.sign(byBytes(a, b)));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("sortNames() sorts by code point with or without units from U+D800 up", () => {
  const plain = ["b", "a", "ab", "A", "a b", ""];
  assert.deepEqual(sortNames([...plain]), plain.toSorted(byCodePoint));
  const mixed = ["\u{1F600}", "\uFF01", "b", "\uE000x", "\u{10000}", "\uFFFD"];
  assert.deepEqual(sortNames([...mixed]), mixed.toSorted(byCodePoint));
  assert.notDeepEqual([...mixed].sort(), mixed.toSorted(byCodePoint), "the engine's sort differs");
  fc.assert(
    fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 4 })), (names) => {
      assert.deepEqual(sortNames([...names]), names.toSorted(byCodePoint));
    }),
    { numRuns: 300 },
  );
});

Deno.test("firstAfter() finds the first name after a name, present or not", () => {
  const sorted = sortNames(["a", "b", "b", "d", "\uFF01", "\u{1F600}"]);
  assert.equal(firstAfter(sorted, ""), 0);
  assert.equal(firstAfter(sorted, "a"), 1);
  assert.equal(firstAfter(sorted, "b"), 3, "past every copy of a name");
  assert.equal(firstAfter(sorted, "c"), 3);
  assert.equal(firstAfter(sorted, "\uFFFF"), 5, "U+1F600 comes after U+FFFF");
  assert.equal(firstAfter(sorted, "\u{1F600}"), 6);
  assert.equal(firstAfter([], "a"), 0);
});
