import assert from "node:assert/strict";
import { FakeClock } from "../../core/mod.ts";
import type { FsListArgs } from "../../rpc/mod.ts";
import { DirSnapshots, type ListingSnapshots, SNAPSHOT_MAX_AGE_MS } from "../dir_snapshots.ts";
import { createFixture, type Fixture } from "./_testing.ts";

// Continuation pages of fs.list served from a snapshot of the directory's names. The clock
// runs a minute ahead of the files' times, so a directory written by the test counts as quiet
// (see SNAPSHOT_QUIET_MS) and the snapshot stays young until the test moves the clock.

interface Spied {
  snapshots: ListingSnapshots;
  store: DirSnapshots;
  clock: FakeClock;
  /** Whether each find answered, in order. */
  hits: boolean[];
}

function spiedSnapshots(): Spied {
  const clock = new FakeClock(Date.now() + 60_000);
  const store = new DirSnapshots({ clock });
  const inner = store.session("s1");
  const hits: boolean[] = [];
  const snapshots: ListingSnapshots = {
    stamp: (host) => inner.stamp(host),
    collect: (stamp) => inner.collect(stamp),
    find(key, stamp, after) {
      const names = inner.find(key, stamp, after);
      hits.push(names !== undefined);
      return names;
    },
  };
  return { snapshots, store, clock, hits };
}

// Files `names` in `dir`, then the directory's times set an hour back: a file made later
// moves them whatever the clock's resolution.
async function quietDir(fx: Fixture, dir: string, names: string[]): Promise<void> {
  await Deno.mkdir(`${fx.workspace}/${dir}`);
  for (const name of names) await Deno.writeTextFile(`${fx.workspace}/${dir}/${name}`, name);
  const old = new Date(Date.now() - 3_600_000);
  await Deno.utime(`${fx.workspace}/${dir}`, old, old);
}

async function names(fx: Fixture, args: FsListArgs): Promise<[string[], number, string?]> {
  const out = await fx.call("fs.list", args);
  assert.ok(out.ok, JSON.stringify(out));
  const { entries, total_count, next_after } = out.result;
  return [entries.map((e) => e.name), total_count, next_after];
}

Deno.test("fs.list pages of an unchanged directory come from one snapshot, in code point order", async () => {
  const spied = spiedSnapshots();
  await using fx = await createFixture({}, { snapshots: spied.snapshots });
  const all = ["b", "\u{1F600}", "a", "\uFF01", "c", "ab", "\uE000"];
  await quietDir(fx, "d", all);
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < all.length + 1; page++) {
    const [got, total, next] = await names(fx, {
      path: "d",
      limit: 2,
      ...(after ? { after } : {}),
    });
    assert.equal(total, all.length - seen.length, "counts what is left");
    seen.push(...got);
    after = next;
    if (after === undefined) break;
    assert.equal(after, got.at(-1));
  }
  assert.deepEqual(seen, ["a", "ab", "b", "c", "\uE000", "\uFF01", "\u{1F600}"]);
  assert.deepEqual(spied.hits, [true, true, true], "every page after the first from the snapshot");
  assert.equal(spied.store.size, 1);
});

Deno.test("fs.list lists a file created between pages, and not one removed", async () => {
  const spied = spiedSnapshots();
  await using fx = await createFixture({}, { snapshots: spied.snapshots });
  await quietDir(fx, "d", ["a", "b", "c", "d", "e", "f"]);
  const [first, , after] = await names(fx, { path: "d", limit: 2 });
  assert.deepEqual(first, ["a", "b"]);
  assert.equal(spied.store.size, 1, "the first page kept a snapshot");
  await Deno.writeTextFile(`${fx.workspace}/d/c1`, "new");
  await Deno.remove(`${fx.workspace}/d/e`);
  const [second, total, next] = await names(fx, { path: "d", limit: 2, after: after! });
  assert.deepEqual(second, ["c", "c1"]);
  assert.equal(total, 4, "c, c1, d, f");
  assert.deepEqual(await names(fx, { path: "d", limit: 2, after: next! }), [
    ["d", "f"],
    2,
    undefined,
  ]);
  assert.deepEqual(spied.hits, [false, true], "read afresh once, then from its new snapshot");
});

Deno.test("fs.list reads a directory afresh once its snapshot is too old", async () => {
  const spied = spiedSnapshots();
  await using fx = await createFixture({}, { snapshots: spied.snapshots });
  await quietDir(fx, "d", ["a", "b", "c"]);
  const [, , after] = await names(fx, { path: "d", limit: 1 });
  spied.clock.advance(SNAPSHOT_MAX_AGE_MS + 1);
  assert.deepEqual(await names(fx, { path: "d", limit: 1, after: after! }), [["b"], 2, "b"]);
  assert.deepEqual(spied.hits, [false], "unchanged, but too old to trust");
  assert.deepEqual(await names(fx, { path: "d", limit: 1, after: "b" }), [["c"], 1, undefined]);
  assert.deepEqual(spied.hits, [false, true], "the fresh read's own snapshot serves");
});

Deno.test("fs.list does not answer a page with a pattern from another pattern's snapshot", async () => {
  const spied = spiedSnapshots();
  await using fx = await createFixture({}, { snapshots: spied.snapshots });
  await quietDir(fx, "d", ["a.py", "a.txt", "b.py", "b.txt", "c.py", "c.txt"]);
  assert.deepEqual(await names(fx, { path: "d", pattern: "*.py", limit: 1 }), [
    ["a.py"],
    3,
    "a.py",
  ]);
  const [txt, total] = await names(fx, { path: "d", pattern: "*.txt", limit: 1, after: "a.py" });
  assert.deepEqual([txt, total], [["a.txt"], 3]);
  const [py] = await names(fx, { path: "d", pattern: "*.py", limit: 1, after: "a.py" });
  assert.deepEqual(py, ["b.py"]);
  assert.deepEqual(spied.hits, [false, true]);
});

Deno.test("fs.list keeps no snapshot of a directory that fits one page, or changed just now", async () => {
  const spied = spiedSnapshots();
  await using fx = await createFixture({}, { snapshots: spied.snapshots });
  await quietDir(fx, "small", ["a", "b"]);
  await names(fx, { path: "small", limit: 2 });
  assert.equal(spied.store.size, 0);
  // without a clock ahead, a directory just written is too fresh to trust its times
  const store = new DirSnapshots();
  await using fresh = await createFixture({}, { snapshots: store.session("s1") });
  await Deno.mkdir(`${fresh.workspace}/d`);
  for (const name of ["a", "b", "c"]) await Deno.writeTextFile(`${fresh.workspace}/d/${name}`, "");
  await names(fresh, { path: "d", limit: 1 });
  assert.equal(store.size, 0);
});
