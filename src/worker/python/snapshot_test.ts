import assert from "node:assert/strict";
import { LimitsSchema } from "../../config/mod.ts";
import {
  diffSnapshots,
  SNAPSHOT_MAX_ENTRIES,
  SNAPSHOT_SLICE_MS,
  snapshotWorkspace,
} from "./snapshot.ts";

Deno.test("snapshotWorkspace records files, skips symlinks and stops at maxEntries", async () => {
  const root = await Deno.makeTempDir({ prefix: "codegen-snap-" });
  try {
    await Deno.mkdir(`${root}/d/e`, { recursive: true });
    await Deno.writeTextFile(`${root}/a.txt`, "aa");
    await Deno.writeTextFile(`${root}/d/e/b.txt`, "bbb");
    await Deno.symlink("/etc", `${root}/link`);
    const snap = await snapshotWorkspace(root, { maxEntries: 100 });
    assert.deepEqual([...snap.files.keys()].sort(), ["a.txt", "d/e/b.txt"]);
    assert.equal(snap.files.get("d/e/b.txt")!.size, 3);
    assert.equal(snap.truncated, false);
    const small = await snapshotWorkspace(root, { maxEntries: 1 });
    assert.ok(small.files.size <= 1);
    assert.equal(small.truncated, true, "a walk that stopped early says so");
    // exactly as many entries as allowed (a.txt, d, d/e, d/e/b.txt, link) is complete
    assert.equal((await snapshotWorkspace(root, { maxEntries: 5 })).truncated, false);
    assert.equal((await snapshotWorkspace(root, { maxEntries: 4 })).truncated, true);
    const owned = await snapshotWorkspace(root, {
      maxEntries: 100,
      ownerUid: (Deno.uid() ?? 0) + 1,
    });
    assert.equal(owned.foreignOwned, true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("snapshotWorkspace lets the thread's other work in while it walks a large workspace", async () => {
  const root = await Deno.makeTempDir({ prefix: "codegen-snap-" });
  try {
    // 50 directories of 200 files: far more than one slice of walking
    for (let d = 0; d < 50; d++) {
      await Deno.mkdir(`${root}/d${d}`);
      for (let f = 0; f < 200; f++) Deno.writeFileSync(`${root}/d${d}/f${f}`, new Uint8Array());
    }
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 1);
    const started = performance.now();
    let walk;
    try {
      walk = await snapshotWorkspace(root, { maxEntries: 20_000 });
    } finally {
      clearInterval(timer);
    }
    const took = performance.now() - started;
    assert.equal(walk.files.size, 10_000);
    assert.ok(took > 3 * SNAPSHOT_SLICE_MS, `the walk took ${took} ms: too short to tell`);
    // a walk that held the thread would let no timer run until it ended
    assert.ok(ticks.length >= 2, `${ticks.length} timer ticks in a ${took} ms walk`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("diffSnapshots lists created and modified files, sorted, at most max", () => {
  const stamp = (size: number, mtimeMs: number) => ({ size, mtimeMs });
  const before = {
    foreignOwned: false,
    truncated: false,
    files: new Map([["same", stamp(1, 1)], ["grew", stamp(1, 1)]]),
  };
  const after = {
    foreignOwned: false,
    truncated: false,
    files: new Map([["same", stamp(1, 1)], ["grew", stamp(2, 1)], ["new", stamp(3, 5)]]),
  };
  assert.deepEqual(diffSnapshots(before, after, { max: 10 }), {
    artifacts: [
      { path: "grew", size_bytes: 2, change: "modified" },
      { path: "new", size_bytes: 3, change: "created" },
    ],
    truncated: false,
  });
  const capped = diffSnapshots(before, after, { max: 1 });
  assert.equal(capped.artifacts.length, 1);
  assert.equal(capped.truncated, true, "more changes than max is an incomplete list");
  assert.equal(diffSnapshots(before, { ...after, truncated: true }, { max: 10 }).truncated, true);
  assert.equal(diffSnapshots({ ...before, truncated: true }, after, { max: 10 }).truncated, true);
});

Deno.test("SNAPSHOT_MAX_ENTRIES lets a run's snapshot see far more than MAX_LIST_ENTRIES", () => {
  assert.ok(SNAPSHOT_MAX_ENTRIES >= 10 * LimitsSchema.parse({}).maxListEntries);
});
