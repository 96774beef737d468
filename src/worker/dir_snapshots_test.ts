import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import {
  DirSnapshots,
  type DirStamp,
  SNAPSHOT_MAX_AGE_MS,
  SNAPSHOT_QUIET_MS,
} from "./dir_snapshots.ts";

const T0 = Date.UTC(2026, 0, 1);

// a directory last changed a minute before the clock's start, looked at just now
function quiet(clock: FakeClock, change: Partial<DirStamp> = {}): DirStamp {
  return {
    dev: 1,
    ino: 42,
    mtimeMs: T0 - 60_000,
    ctimeMs: T0 - 60_000,
    seenAt: clock.now(),
    ...change,
  };
}

function keep(store: DirSnapshots, session: string, key: string, names: string[], stamp: DirStamp) {
  const collector = store.session(session).collect(stamp);
  assert.ok(collector, "a quiet directory can be kept");
  for (const name of names) collector.add(name);
  collector.keep(key, undefined);
}

Deno.test("DirSnapshots.find() gives the kept names sorted by code point while the stamp holds", () => {
  const clock = new FakeClock(T0);
  const store = new DirSnapshots({ clock });
  keep(store, "s1", "dir", ["b", "\u{1F600}", "a", "\uFF01"], quiet(clock));
  clock.advance(SNAPSHOT_MAX_AGE_MS);
  const names = store.session("s1").find("dir", quiet(clock), "a");
  assert.deepEqual(names, ["a", "b", "\uFF01", "\u{1F600}"]);
  assert.equal(store.session("s2").find("dir", quiet(clock), "a"), undefined, "per session");
  assert.equal(store.session("s1").find("other", quiet(clock), "a"), undefined, "per key");
});

Deno.test("DirSnapshots.find() refuses and drops a snapshot whose directory changed", () => {
  for (const change of [{ dev: 2 }, { ino: 43 }, { mtimeMs: T0 - 1 }, { ctimeMs: T0 - 59_000 }]) {
    const clock = new FakeClock(T0);
    const store = new DirSnapshots({ clock });
    keep(store, "s1", "dir", ["a", "b"], quiet(clock));
    const label = JSON.stringify(change);
    assert.equal(store.session("s1").find("dir", quiet(clock, change), "a"), undefined, label);
    assert.equal(store.size, 0, label);
    assert.equal(store.bytes, 0, label);
  }
});

Deno.test("DirSnapshots.find() refuses a snapshot past its age, or when the clock went back", () => {
  const clock = new FakeClock(T0);
  const store = new DirSnapshots({ clock });
  keep(store, "s1", "dir", ["a", "b"], quiet(clock));
  clock.advance(SNAPSHOT_MAX_AGE_MS + 1);
  assert.equal(store.session("s1").find("dir", quiet(clock), "a"), undefined);
  const back = new FakeClock(T0);
  const store2 = new DirSnapshots({ clock: back });
  keep(store2, "s1", "dir", ["a", "b"], { ...quiet(back), seenAt: T0 + 1 });
  assert.equal(store2.session("s1").find("dir", quiet(back), "a"), undefined);
});

Deno.test("DirSnapshots.collect() keeps nothing of a directory changed within the quiet time", () => {
  const clock = new FakeClock(T0);
  const store = new DirSnapshots({ clock });
  const recent = T0 - SNAPSHOT_QUIET_MS;
  assert.equal(store.session("s1").collect(quiet(clock, { mtimeMs: recent })), null);
  assert.equal(store.session("s1").collect(quiet(clock, { ctimeMs: recent })), null);
  assert.ok(
    store.session("s1").collect(quiet(clock, { mtimeMs: recent - 1, ctimeMs: recent - 1 })),
  );
});

Deno.test("DirSnapshots.find() answers only for names after the snapshot's floor", () => {
  const clock = new FakeClock(T0);
  const store = new DirSnapshots({ clock });
  const collector = store.session("s1").collect(quiet(clock))!;
  for (const name of ["n", "p", "o"]) collector.add(name);
  collector.keep("dir", "m");
  assert.equal(store.session("s1").find("dir", quiet(clock), "c"), undefined, "c < m");
  assert.deepEqual(store.session("s1").find("dir", quiet(clock), "m"), ["n", "o", "p"]);
  assert.deepEqual(store.session("s1").find("dir", quiet(clock), "n"), ["n", "o", "p"]);
});

Deno.test("DirSnapshots holds at most maxPerSession snapshots a session, the newest", () => {
  const clock = new FakeClock(T0);
  const store = new DirSnapshots({ clock, maxPerSession: 2 });
  for (const key of ["a", "b", "c"]) keep(store, "s1", key, ["x", "y"], quiet(clock));
  keep(store, "s2", "a", ["x", "y"], quiet(clock));
  assert.equal(store.size, 3);
  assert.equal(store.session("s1").find("a", quiet(clock), "x"), undefined, "the oldest went");
  assert.ok(store.session("s1").find("b", quiet(clock), "x"));
  assert.ok(store.session("s1").find("c", quiet(clock), "x"));
  assert.ok(store.session("s2").find("a", quiet(clock), "x"), "another session's stays");
});

Deno.test("DirSnapshots keeps its estimated bytes under maxBytes, dropping the oldest", () => {
  const clock = new FakeClock(T0);
  const names = Array.from({ length: 10 }, (_, i) => `name${i}`); // 10 x (2 x 5 + 40) bytes
  const store = new DirSnapshots({ clock, maxBytes: 1_000 });
  keep(store, "s1", "a", names, quiet(clock));
  assert.equal(store.bytes, 500);
  keep(store, "s2", "b", names, quiet(clock));
  assert.equal(store.bytes, 1_000);
  keep(store, "s3", "c", names, quiet(clock));
  assert.equal(store.bytes, 1_000);
  assert.equal(store.session("s1").find("a", quiet(clock), "n"), undefined);
  const big = Array.from({ length: 21 }, (_, i) => `name${i % 10}`);
  keep(store, "s4", "d", big, quiet(clock));
  assert.equal(store.session("s4").find("d", quiet(clock), "n"), undefined, "larger than all");
  assert.equal(store.size, 2, "and the others stay");
});

Deno.test("DirSnapshots.forget() drops an ended session's snapshots", () => {
  const clock = new FakeClock(T0);
  const store = new DirSnapshots({ clock });
  keep(store, "s1", "a", ["x", "y"], quiet(clock));
  keep(store, "s1", "b", ["x", "y"], quiet(clock));
  keep(store, "s2", "a", ["x", "y"], quiet(clock));
  store.forget("s1");
  assert.equal(store.size, 1);
  assert.equal(store.session("s1").find("a", quiet(clock), "x"), undefined);
  assert.ok(store.session("s2").find("a", quiet(clock), "x"));
});

Deno.test("DirSnapshots.stamp() reads a real directory's identity and times, and nothing else", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const clock = new FakeClock(T0);
    const stamp = new DirSnapshots({ clock }).session("s1").stamp(dir);
    const info = await Deno.lstat(dir);
    assert.deepEqual(stamp, {
      dev: info.dev,
      ino: info.ino,
      mtimeMs: info.mtime!.getTime(),
      ctimeMs: info.ctime!.getTime(),
      seenAt: T0,
    });
    await Deno.writeTextFile(`${dir}/f`, "x");
    assert.equal(new DirSnapshots().session("s1").stamp(`${dir}/f`), null, "a file");
    assert.equal(new DirSnapshots().session("s1").stamp(`${dir}/gone`), null, "nothing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DirSnapshots keeps nothing from a listing whose session ended while it read", () => {
  const clock = new FakeClock(T0);
  const store = new DirSnapshots({ clock });
  const collector = store.session("s1").collect(quiet(clock))!;
  for (const name of ["x", "y"]) collector.add(name);
  store.forget("s1");
  collector.keep("dir", undefined);
  assert.equal(store.size, 0);
  assert.equal(store.bytes, 0);
  keep(store, "s1", "dir", ["x", "y"], quiet(clock));
  assert.equal(store.size, 1, "a session that comes back keeps again");
});

Deno.test("DirSnapshots counts names still being collected against maxBytes, until let go", () => {
  const clock = new FakeClock(T0);
  const names = Array.from({ length: 12 }, (_, i) => `name${i % 10}`); // 12 x 50 bytes
  const store = new DirSnapshots({ clock, maxBytes: 1_000 });
  const first = store.session("s1").collect(quiet(clock))!;
  const second = store.session("s2").collect(quiet(clock))!;
  for (const name of names) first.add(name);
  assert.equal(store.bytes, 600);
  for (const name of names) second.add(name);
  assert.equal(store.bytes, 600, "the second listing stopped holding names");
  second.keep("dir", undefined);
  first.keep("dir", undefined);
  assert.equal(store.size, 1);
  assert.ok(store.session("s1").find("dir", quiet(clock), "n"));
  const unkept = store.session("s3").collect(quiet(clock))!;
  unkept.add("x");
  assert.equal(store.bytes, 642);
  unkept[Symbol.dispose]();
  assert.equal(store.bytes, 600, "a listing that keeps nothing lets its names go");
});
