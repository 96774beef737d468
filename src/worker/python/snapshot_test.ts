import assert from "node:assert/strict";
import { diffSnapshots, snapshotWorkspace } from "./snapshot.ts";

Deno.test("snapshotWorkspace records files, skips symlinks and stops at maxEntries", async () => {
  const root = await Deno.makeTempDir({ prefix: "codegen-snap-" });
  try {
    await Deno.mkdir(`${root}/d/e`, { recursive: true });
    await Deno.writeTextFile(`${root}/a.txt`, "aa");
    await Deno.writeTextFile(`${root}/d/e/b.txt`, "bbb");
    await Deno.symlink("/etc", `${root}/link`);
    const snap = snapshotWorkspace(root, { maxEntries: 100 });
    assert.deepEqual([...snap.files.keys()].sort(), ["a.txt", "d/e/b.txt"]);
    assert.equal(snap.files.get("d/e/b.txt")!.size, 3);
    const small = snapshotWorkspace(root, { maxEntries: 1 });
    assert.ok(small.files.size <= 1);
    const owned = snapshotWorkspace(root, {
      maxEntries: 100,
      ownerUid: (Deno.uid() ?? 0) + 1,
    });
    assert.equal(owned.foreignOwned, true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("diffSnapshots lists created and modified files, sorted, at most max", () => {
  const stamp = (size: number, mtimeMs: number) => ({ size, mtimeMs });
  const before = {
    foreignOwned: false,
    files: new Map([["same", stamp(1, 1)], ["grew", stamp(1, 1)]]),
  };
  const after = {
    foreignOwned: false,
    files: new Map([["same", stamp(1, 1)], ["grew", stamp(2, 1)], ["new", stamp(3, 5)]]),
  };
  assert.deepEqual(diffSnapshots(before, after, { max: 10 }), [
    { path: "grew", size_bytes: 2, change: "modified" },
    { path: "new", size_bytes: 3, change: "created" },
  ]);
  assert.equal(diffSnapshots(before, after, { max: 1 }).length, 1);
});
