/**
 * Property test: hostile paths driven through the real fs.write and fs.read handlers never
 * change or reveal anything outside the workspace.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { createFixture, SECRET } from "./_testing.ts";

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("..", ".", "", "x", "d", "é", "out-link", "inner") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "rel-link",
      "secret-link",
      "dangling-out",
      "secret.txt",
      "outside",
      "\u0000",
      "\\",
      "%2e%2e",
      "\u001f",
      "C:",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 250, max: 260 }).map((n) => "y".repeat(n)) },
);

Deno.test("fs.write and fs.read with 300 hostile paths change nothing outside the workspace", async () => {
  await using fx = await createFixture();
  const ws = fx.workspace;
  await Deno.mkdir(`${ws}/inner`);
  await Deno.symlink(fx.outside, `${ws}/out-link`);
  await Deno.symlink("../../../outside", `${ws}/inner/rel-link`);
  await Deno.symlink(`${fx.outside}/secret.txt`, `${ws}/secret-link`);
  await Deno.symlink(`${fx.outside}/new.txt`, `${ws}/dangling-out`);
  const before = await fx.snapshotOutside();
  const lead = fc.constantFrom("", "", "/", "./", "../", "../../", `${fx.outside}/`);
  // the last part is mostly a plain name, so enough paths are writable for the run to test
  // what a write does (a path ending in "", "." or ".." names a directory: never writable)
  const last = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("x", "d", "é", "new.txt") },
    { weight: 1, arbitrary: piece },
  );
  const path = fc.tuple(lead, fc.array(piece, { maxLength: 5 }), last)
    .map(([head, parts, end]) => head + [...parts, end].join("/"));
  let written = 0;
  await fc.assert(
    fc.asyncProperty(path, fc.boolean(), async (p, append) => {
      const write = await fx.call("fs.write", { path: p, contents: "pwned", append });
      if (write.ok) {
        written++;
        const real = await Deno.realPath(`${ws}/${write.result.path}`);
        assert.ok(real.startsWith(`${ws}/`), `${p} was written at ${real}`);
      } else {
        assert.match(write.error.code, /^(PATH_VIOLATION|INVALID_ARGUMENT|NOT_FOUND)$/);
      }
      const read = await fx.call("fs.read", { path: p });
      assert.ok(!JSON.stringify(read).includes(SECRET), `${p} revealed the secret`);
      assert.deepEqual(await fx.snapshotOutside(), before, `${p} changed something outside`);
    }),
    { numRuns: 300 },
  );
  assert.ok(written > 20, `only ${written} writes succeeded; the generator is too hostile`);
});
