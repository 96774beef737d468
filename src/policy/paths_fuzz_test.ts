import assert from "node:assert/strict";
import { posix } from "node:path";
import fc from "fast-check";
import { checkRelativePath } from "./mod.ts";

const ROOT = "/srv/workspaces/sessions/s1";

/** Pieces an attacker would combine, plus ordinary names so some paths are accepted. */
const hostilePiece = fc.oneof(
  fc.constantFrom(
    "..",
    ".",
    "",
    "/",
    "\\",
    "\u0000",
    "\u001b",
    "\n",
    "%2e%2e",
    "..%2f",
    "C:",
    "\\\\server",
    "~",
    "..\u2215",
    "\uff0e\uff0e",
    "\uD800",
    "a",
    "b.txt",
    ".hidden",
    "..foo",
    "foo..",
  ),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "grapheme", maxLength: 4 }),
  fc.string({ unit: "binary", maxLength: 4 }),
  fc.integer({ min: 200, max: 300 }).map((n) => "x".repeat(n)),
);

const hostilePath = fc.tuple(
  fc.constantFrom("", "/", "//", "./", "../"),
  fc.array(hostilePiece, { maxLength: 12 }),
  fc.array(fc.constantFrom("/", "\\", ""), { minLength: 12, maxLength: 12 }),
).map(([lead, pieces, seps]) => lead + pieces.map((p, i) => p + seps[i]).join(""));

function hasControlOrBackslash(text: string): boolean {
  return [...text].some((c) => c === "\\" || c.charCodeAt(0) < 0x20);
}

Deno.test("checkRelativePath() never accepts a path that escapes, across 10,000 hostile paths", () => {
  let accepted = 0;
  fc.assert(
    fc.property(hostilePath, (path) => {
      const check = checkRelativePath(path);
      const plainlyBad = path.startsWith("/") || hasControlOrBackslash(path);
      if (plainlyBad) assert.ok(!check.ok, "absolute, control or backslash paths are refused");
      if (!check.ok) return;
      accepted++;
      const { normalized, segments } = check;
      assert.ok(!segments.includes(".."), "no .. segment survives");
      assert.ok(!segments.includes(".") && !segments.includes(""), "no empty or . segment");
      assert.ok(!normalized.startsWith("/"), "not absolute");
      assert.ok(!hasControlOrBackslash(normalized), "no control character or backslash");
      assert.equal(normalized, segments.length === 0 ? "." : segments.join("/"));
      const joined = posix.resolve(ROOT, normalized);
      assert.ok(joined === ROOT || joined.startsWith(`${ROOT}/`), `${joined} stays inside`);
      // the normalized form is itself accepted unchanged (idempotent)
      const again = checkRelativePath(normalized);
      assert.ok(again.ok && again.normalized === normalized);
    }),
    { numRuns: 10_000 },
  );
  // the generator must exercise the accepting branch too, or the property says nothing
  assert.ok(accepted > 500, `only ${accepted} paths were accepted`);
});
