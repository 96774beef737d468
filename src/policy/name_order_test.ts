import assert from "node:assert/strict";
import fc from "fast-check";
import { compareNames } from "./mod.ts";

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
