import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { createFixture } from "./_testing.ts";
import { writeAtomically } from "./atomic.ts";

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test("writeAtomically() removes its temp file when the rename fails", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d/inner`, { recursive: true });
  const bytes = new TextEncoder().encode("x");
  // renaming a file over a non-empty directory fails after the temp file is written
  await assert.rejects(writeAtomically(fx.workspace, `${fx.workspace}/d`, { path: "d", bytes }));
  assert.deepEqual(await names(fx.workspace), ["d"]);
});

Deno.test("writeAtomically() refuses a directory that no longer resolves to itself", async () => {
  await using fx = await createFixture();
  // as if user code had swapped the parent for a symlink after resolution
  await Deno.symlink(fx.outside, `${fx.workspace}/swapped`);
  const before = await fx.snapshotOutside();
  const bytes = new TextEncoder().encode("x");
  await assert.rejects(
    writeAtomically(fx.workspace, `${fx.workspace}/swapped/secret.txt`, { path: "p", bytes }),
    (e) => e instanceof CodegenError && e.code === "PATH_VIOLATION",
  );
  assert.deepEqual(await fx.snapshotOutside(), before);
});

Deno.test("writeAtomically() keeps temp names short for the longest file names", async () => {
  await using fx = await createFixture();
  const name = "é".repeat(127);
  const bytes = new TextEncoder().encode("x");
  await writeAtomically(fx.workspace, `${fx.workspace}/${name}`, { path: name, bytes });
  assert.deepEqual(await names(fx.workspace), [name]);
});
