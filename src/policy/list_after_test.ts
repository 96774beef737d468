import assert from "node:assert/strict";
import { checkListAfter } from "./mod.ts";

Deno.test("checkListAfter() accepts any name a directory may hold, even ones no path may contain", () => {
  for (const after of ["a.txt", ".", "..", "a\\b", "a\nb", "\x7f", "\ud800", "x".repeat(300)]) {
    assert.equal(checkListAfter(after, 4096), undefined, JSON.stringify(after));
  }
});

Deno.test("checkListAfter() refuses what no name can be, and says why", () => {
  const cases: Array<[unknown, RegExp]> = [
    ["", /is not a name: it is empty/],
    ["a/b", /it contains \//],
    ["a/", /it contains \//],
    ["a\0b", /it contains NUL/],
    ["x".repeat(11), /longer than 10 bytes/],
    ["é".repeat(6), /longer than 10 bytes/],
    [7, /not a string/],
  ];
  for (const [after, reason] of cases) {
    const refusal = checkListAfter(after as string, 10);
    assert.match(refusal ?? "", reason, JSON.stringify(after));
    assert.match(refusal ?? "", /^after "/);
  }
  assert.equal(checkListAfter("x".repeat(10), 10), undefined);
});
