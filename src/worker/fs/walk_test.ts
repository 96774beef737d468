import assert from "node:assert/strict";
import { createFixture } from "./_testing.ts";
import { walk } from "./walk.ts";

Deno.test("walk() visits a tree without descending into symlinked directories", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/a/b`, { recursive: true });
  await Deno.writeTextFile(`${fx.workspace}/a/b/f`, "x");
  await Deno.symlink(fx.outside, `${fx.workspace}/a/out`);
  const seen: string[] = [];
  const result = await walk(fx.workspace, {
    recursive: true,
    maxVisits: 100,
    visit: (entry) => (seen.push(entry.relative), true),
  });
  assert.deepEqual(seen.sort(), ["a", "a/b", "a/b/f", "a/out"]);
  assert.deepEqual(result, { complete: true, visited: 4 });
});

Deno.test("walk() skips a directory swapped for a symlink after it was seen", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/sub`);
  const seen: string[] = [];
  await walk(fx.workspace, {
    recursive: true,
    maxVisits: 100,
    async visit(entry) {
      seen.push(entry.relative);
      if (entry.relative === "sub") {
        // what user code racing the walk could do between readDir and the descent
        await Deno.remove(entry.host);
        await Deno.symlink(fx.outside, entry.host);
      }
      return true;
    },
  });
  assert.deepEqual(seen, ["sub"]);
});

Deno.test("walk() stops at maxVisits and reports that it is incomplete", async () => {
  await using fx = await createFixture();
  for (let i = 0; i < 5; i++) await Deno.writeTextFile(`${fx.workspace}/f${i}`, "");
  const result = await walk(fx.workspace, { recursive: false, maxVisits: 3, visit: () => true });
  assert.deepEqual(result, { complete: false, visited: 3 });
});

Deno.test("walk() stops reading a large directory soon after a cancel", async () => {
  await using fx = await createFixture();
  for (let i = 0; i < 3000; i++) await Deno.writeTextFile(`${fx.workspace}/f${i}`, "");
  const controller = new AbortController();
  let visits = 0;
  await assert.rejects(
    walk(fx.workspace, {
      recursive: false,
      maxVisits: Infinity,
      signal: controller.signal,
      visit() {
        if (++visits === 1) controller.abort();
        return true;
      },
    }),
    /cancelled/,
  );
  assert.ok(visits < 2000, `visited ${visits} entries after the cancel`);
});
