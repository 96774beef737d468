import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { createFixture } from "./_testing.ts";
import { resolvePath } from "./resolve.ts";

function rejectsWith(code: string) {
  return (e: unknown) => e instanceof CodegenError && e.code === code;
}

Deno.test("resolvePath() returns the link-free host path for links that stay inside", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/a/b`, { recursive: true });
  await Deno.writeTextFile(`${fx.workspace}/a/b/f.txt`, "x");
  await Deno.symlink("a/b", `${fx.workspace}/ab`);
  await Deno.symlink("../ab/f.txt", `${fx.workspace}/a/f-link`);
  const viaDir = await resolvePath(fx.workspace, "ab/f.txt", { intent: "read" });
  assert.equal(viaDir.host, `${fx.workspace}/a/b/f.txt`);
  assert.equal(viaDir.relative, "ab/f.txt");
  assert.ok(viaDir.info?.isFile);
  const chained = await resolvePath(fx.workspace, "a/f-link", { intent: "read" });
  assert.equal(chained.host, `${fx.workspace}/a/b/f.txt`);
  const asLink = await resolvePath(fx.workspace, "a/f-link", { intent: "delete" });
  assert.equal(asLink.host, `${fx.workspace}/a/f-link`);
  assert.ok(asLink.info?.isSymlink);
});

Deno.test("resolvePath() reports a missing target as info null", async () => {
  await using fx = await createFixture();
  const missing = await resolvePath(fx.workspace, "x/y/z", { intent: "read" });
  assert.deepEqual(missing, { relative: "x/y/z", host: `${fx.workspace}/x/y/z`, info: null });
  const root = await resolvePath(fx.workspace, ".", { intent: "read" });
  assert.equal(root.host, fx.workspace);
  assert.ok(root.info?.isDirectory);
});

Deno.test("resolvePath() creates missing parents one at a time, but not the target", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/real`);
  await Deno.symlink("real", `${fx.workspace}/alias`);
  const out = await resolvePath(fx.workspace, "alias/x/y/f.txt", {
    intent: "write",
    createParents: true,
  });
  assert.equal(out.host, `${fx.workspace}/real/x/y/f.txt`);
  assert.equal(out.info, null);
  assert.ok((await Deno.lstat(`${fx.workspace}/real/x/y`)).isDirectory);
});

Deno.test("resolvePath() refuses a parent that is a file with INVALID_ARGUMENT", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/f`, "x");
  await assert.rejects(
    resolvePath(fx.workspace, "f/g", { intent: "write", createParents: true }),
    rejectsWith("INVALID_ARGUMENT"),
  );
});

Deno.test("resolvePath(): a path ending in / (or /., /..) names a directory, never a file", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d`);
  await Deno.writeTextFile(`${fx.workspace}/f.txt`, "x");
  for (const intent of ["read", "write", "delete"] as const) {
    for (const path of ["f.txt/", "f.txt/.", "d/../f.txt/"]) {
      await assert.rejects(
        resolvePath(fx.workspace, path, { intent }),
        (e: unknown) =>
          rejectsWith("INVALID_ARGUMENT")(e) &&
          (e as Error).message.includes('ends with "/" but "f.txt" is not a directory'),
        `${intent} ${path}`,
      );
    }
    assert.ok((await resolvePath(fx.workspace, "d/", { intent })).info?.isDirectory);
  }
  // a new file cannot be made under a name that says directory
  await assert.rejects(
    resolvePath(fx.workspace, "new.txt/", { intent: "write", createParents: true }),
    (e: unknown) => rejectsWith("INVALID_ARGUMENT")(e) && /names a directory/.test(String(e)),
  );
  assert.equal((await resolvePath(fx.workspace, "new/", { intent: "read" })).info, null);
  assert.equal(await Deno.readTextFile(`${fx.workspace}/f.txt`), "x", "the file is untouched");
});

Deno.test("resolvePath() judges dangling and looping links by where they point", async () => {
  await using fx = await createFixture();
  await Deno.symlink("nowhere", `${fx.workspace}/dangling`);
  await Deno.symlink("loop", `${fx.workspace}/loop`);
  await Deno.symlink(`${fx.outside}/nowhere`, `${fx.workspace}/dangling-out`);
  const read = await resolvePath(fx.workspace, "dangling", { intent: "read" });
  assert.equal(read.info, null);
  assert.equal((await resolvePath(fx.workspace, "loop/x", { intent: "read" })).info, null);
  for (const path of ["dangling", "loop", "dangling/x"]) {
    await assert.rejects(
      resolvePath(fx.workspace, path, { intent: "write", createParents: true }),
      rejectsWith("NOT_FOUND"),
      path,
    );
  }
  for (const intent of ["read", "write"] as const) {
    await assert.rejects(
      resolvePath(fx.workspace, "dangling-out", { intent }),
      rejectsWith("PATH_VIOLATION"),
    );
  }
});

Deno.test("resolvePath() applies the lexical rules and the path byte limit", async () => {
  await using fx = await createFixture();
  await assert.rejects(
    resolvePath(fx.workspace, "../x", { intent: "read" }),
    (e) =>
      e instanceof CodegenError && e.message === 'Cannot use "../x": path leaves the workspace',
  );
  await assert.rejects(
    resolvePath(fx.workspace, "abcdef", { intent: "read", maxPathBytes: 4 }),
    rejectsWith("PATH_VIOLATION"),
  );
  await assert.rejects(
    resolvePath(fx.workspace, ".", { intent: "write", allowRoot: false }),
    rejectsWith("PATH_VIOLATION"),
  );
});
