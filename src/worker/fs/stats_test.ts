import assert from "node:assert/strict";
import { createFixture } from "./_testing.ts";

Deno.test("workspace.stats counts regular files and their bytes without following links", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d/e`, { recursive: true });
  await Deno.writeTextFile(`${fx.workspace}/a.txt`, "12345");
  await Deno.writeTextFile(`${fx.workspace}/d/e/b.txt`, "123");
  await Deno.symlink(fx.outside, `${fx.workspace}/out`);
  await Deno.symlink(`${fx.outside}/secret.txt`, `${fx.workspace}/secret`);
  const out = await fx.call("workspace.stats", {});
  assert.deepEqual(out, { ok: true, result: { workspace_bytes: 8, file_count: 2 } });
});

Deno.test("workspace.stats stops at its visit bound and says the figures are lower bounds", async () => {
  await using fx = await createFixture({ maxListEntries: 1 });
  for (let i = 0; i < 120; i++) await Deno.writeTextFile(`${fx.workspace}/f${i}`, "x");
  const out = await fx.call("workspace.stats", {});
  assert.deepEqual(out, { ok: true, result: { workspace_bytes: 100, file_count: 100 } });
  assert.ok(fx.events.some((e) => e.type === "log" && /lower bounds/.test(e.data)));
});
