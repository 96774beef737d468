import assert from "node:assert/strict";
import { codeOf, createFixture } from "./_testing.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("fs.delete removes a file and an empty directory", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/f.txt`, "x");
  await Deno.mkdir(`${fx.workspace}/empty`);
  const out = await fx.call("fs.delete", { path: "./f.txt" });
  assert.deepEqual(out, { ok: true, result: { path: "f.txt", deleted: true } });
  assert.ok((await fx.call("fs.delete", { path: "empty" })).ok);
  assert.ok(!(await exists(`${fx.workspace}/f.txt`)));
  assert.ok(!(await exists(`${fx.workspace}/empty`)));
});

Deno.test("fs.delete needs recursive for a non-empty directory", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d/e`, { recursive: true });
  await Deno.writeTextFile(`${fx.workspace}/d/e/f.txt`, "x");
  const refused = await fx.call("fs.delete", { path: "d" });
  assert.equal(codeOf(refused), "INVALID_ARGUMENT");
  assert.ok(await exists(`${fx.workspace}/d/e/f.txt`));
  assert.ok((await fx.call("fs.delete", { path: "d", recursive: true })).ok);
  assert.ok(!(await exists(`${fx.workspace}/d`)));
});

Deno.test("fs.delete reports NOT_FOUND and refuses the workspace root", async () => {
  await using fx = await createFixture();
  assert.equal(codeOf(await fx.call("fs.delete", { path: "nope" })), "NOT_FOUND");
  for (const path of [".", "./", "a/..", ""]) {
    const out = await fx.call("fs.delete", { path, recursive: true });
    assert.equal(codeOf(out), "PATH_VIOLATION", path);
  }
  assert.ok(await exists(fx.workspace));
});

Deno.test("fs.delete removes a symlink itself, never its target", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/real`);
  await Deno.writeTextFile(`${fx.workspace}/real/keep.txt`, "keep");
  await Deno.symlink("real", `${fx.workspace}/dir-link`);
  await Deno.symlink("real/keep.txt", `${fx.workspace}/file-link`);
  await Deno.symlink(fx.outside, `${fx.workspace}/out-link`);
  await Deno.symlink("missing", `${fx.workspace}/dangling`);
  const before = await fx.snapshotOutside();
  for (const path of ["dir-link", "file-link", "out-link", "dangling"]) {
    const out = await fx.call("fs.delete", { path, recursive: true });
    assert.ok(out.ok, path);
    assert.ok(!(await exists(`${fx.workspace}/${path}`)), path);
  }
  assert.equal(await Deno.readTextFile(`${fx.workspace}/real/keep.txt`), "keep");
  assert.deepEqual(await fx.snapshotOutside(), before);
});

Deno.test("fs.delete recursive does not follow symlinks inside the tree", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d`);
  await Deno.symlink(fx.outside, `${fx.workspace}/d/out`);
  await Deno.symlink(`${fx.outside}/secret.txt`, `${fx.workspace}/d/secret`);
  const before = await fx.snapshotOutside();
  assert.ok((await fx.call("fs.delete", { path: "d", recursive: true })).ok);
  assert.ok(!(await exists(`${fx.workspace}/d`)));
  assert.deepEqual(await fx.snapshotOutside(), before);
});

Deno.test("fs.delete: two deletes of one file sent together: one deletes it, the other says it is gone, without host paths", async () => {
  await using fx = await createFixture();
  for (let i = 0; i < 20; i++) {
    await Deno.writeTextFile(`${fx.workspace}/f.txt`, "x");
    const outcomes = await Promise.all([
      fx.call("fs.delete", { path: "f.txt" }),
      fx.call("fs.delete", { path: "f.txt" }),
    ]);
    assert.equal(outcomes.filter((o) => o.ok).length, 1);
    const failed = outcomes.find((o) => !o.ok);
    assert.deepEqual(failed && !failed.ok && failed.error, {
      code: "NOT_FOUND",
      message: 'Cannot delete "f.txt": no such file or directory',
      retriable: false,
    });
  }
});
