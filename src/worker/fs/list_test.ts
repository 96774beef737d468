import assert from "node:assert/strict";
import { touchRawName, utf8 } from "../../../tests/support/raw_names.ts";
import { codeOf, createFixture } from "./_testing.ts";

async function tree(workspace: string, files: string[]): Promise<void> {
  for (const file of files) {
    const dir = file.split("/").slice(0, -1).join("/");
    if (dir) await Deno.mkdir(`${workspace}/${dir}`, { recursive: true });
    await Deno.writeTextFile(`${workspace}/${file}`, file);
  }
}

Deno.test("fs.list lists the workspace root by default, sorted, with sizes and times", async () => {
  await using fx = await createFixture();
  await tree(fx.workspace, ["b.txt", "a.py", "sub/c.py"]);
  const out = await fx.call("fs.list", {});
  assert.ok(out.ok);
  assert.deepEqual(out.result.entries.map((e) => [e.path, e.is_directory, e.size_bytes]), [
    ["a.py", false, 4],
    ["b.txt", false, 5],
    ["sub", true, 0],
  ]);
  assert.equal(out.result.total_count, 3);
  assert.equal(out.result.truncated, false);
  const mtime = (await Deno.stat(`${fx.workspace}/a.py`)).mtime!.getTime();
  assert.equal(out.result.entries[0]!.modified_time_ms, mtime);
});

Deno.test("fs.list recursive returns workspace-relative paths and matches globs on them", async () => {
  await using fx = await createFixture();
  await tree(fx.workspace, ["src/a.py", "src/pkg/b.py", "src/pkg/c.txt", "top.py"]);
  const all = await fx.call("fs.list", { path: "src", recursive: true });
  assert.ok(all.ok);
  assert.deepEqual(all.result.entries.map((e) => e.path), [
    "src/a.py",
    "src/pkg",
    "src/pkg/b.py",
    "src/pkg/c.txt",
  ]);
  const py = await fx.call("fs.list", { path: "src", recursive: true, pattern: "**/*.py" });
  assert.ok(py.ok);
  assert.deepEqual(py.result.entries.map((e) => e.path), ["src/a.py", "src/pkg/b.py"]);
  assert.deepEqual(py.result.entries.map((e) => e.name), ["a.py", "b.py"]);
  const shallow = await fx.call("fs.list", { recursive: true, pattern: "*.py" });
  assert.ok(shallow.ok);
  assert.deepEqual(shallow.result.entries.map((e) => e.path), ["top.py"]);
  const byName = await fx.call("fs.list", { path: "src/pkg", pattern: "?.txt" });
  assert.ok(byName.ok);
  assert.deepEqual(byName.result.entries.map((e) => e.path), ["src/pkg/c.txt"]);
});

Deno.test("fs.list truncates at maxListEntries and counts every match", async () => {
  await using fx = await createFixture({ maxListEntries: 3 });
  await tree(fx.workspace, ["e", "d", "c", "b", "a"]);
  const out = await fx.call("fs.list", {});
  assert.ok(out.ok);
  assert.deepEqual(out.result.entries.map((e) => e.path), ["a", "b", "c"]);
  assert.equal(out.result.total_count, 5);
  assert.equal(out.result.truncated, true);
});

Deno.test("fs.list of one directory reads all of it: total_count is exact past any multiple of the limit", async () => {
  await using fx = await createFixture({ maxListEntries: 1 });
  await tree(fx.workspace, Array.from({ length: 150 }, (_, i) => `f${i}.txt`));
  const out = await fx.call("fs.list", {});
  assert.ok(out.ok);
  assert.deepEqual(out.result.entries.map((e) => e.path), ["f0.txt"]);
  assert.equal(out.result.total_count, 150);
  assert.equal(out.result.truncated, true);
  const py = await fx.call("fs.list", { pattern: "f14?.txt" });
  assert.ok(py.ok);
  assert.deepEqual(py.result.entries.map((e) => e.path), ["f140.txt"]);
  assert.equal(py.result.total_count, 10);
  assert.deepEqual(fx.events, []);
});

Deno.test("fs.list recursive stops its walk at a hundred times the limit and says so", async () => {
  await using fx = await createFixture({ maxListEntries: 1 });
  await tree(fx.workspace, Array.from({ length: 150 }, (_, i) => `d/f${i}`));
  const out = await fx.call("fs.list", { recursive: true });
  assert.ok(out.ok);
  assert.equal(out.result.entries.length, 1);
  assert.equal(out.result.total_count, 100);
  assert.equal(out.result.truncated, true);
  assert.ok(fx.events.some((e) => e.type === "log" && /lower bound/.test(e.data)));
});

Deno.test("fs.list recursive bounds the entries it visits even when few of them match", async () => {
  await using fx = await createFixture({ maxListEntries: 1 });
  await tree(fx.workspace, Array.from({ length: 120 }, (_, i) => `f${i}.txt`));
  const out = await fx.call("fs.list", { pattern: "**/*.py" });
  assert.ok(out.ok);
  assert.deepEqual(out.result.entries, []);
  assert.equal(out.result.truncated, true);
  assert.ok(
    fx.events.some((e) => e.type === "log" && /stopped early after 100 entries/.test(e.data)),
  );
});

Deno.test("fs.list with after pages through a directory larger than the limit, every name once", async () => {
  await using fx = await createFixture({ maxListEntries: 3 });
  // created out of name order, so readDir's order is not the answer's
  const names = Array.from({ length: 11 }, (_, i) => `n${String((i * 7) % 11).padStart(2, "0")}`);
  await tree(fx.workspace, names.map((n) => `big/${n}`));
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 10; page++) {
    const out = await fx.call("fs.list", { path: "big", ...(after ? { after } : {}) });
    assert.ok(out.ok);
    const got = out.result.entries.map((e) => e.name);
    assert.ok(got.length <= 3);
    assert.equal(out.result.total_count, names.length - seen.length, "counts what is left");
    assert.ok(out.result.entries.every((e) => e.path === `big/${e.name}`));
    seen.push(...got);
    if (!out.result.truncated) break;
    after = got.at(-1);
  }
  assert.deepEqual(seen, names.toSorted());
});

Deno.test("fs.list with after lists the names after it, present or not, filtered by pattern", async () => {
  await using fx = await createFixture();
  await tree(fx.workspace, ["a.py", "b.txt", "c.py", "d.py"]);
  const names = async (args: Record<string, unknown>) => {
    const out = await fx.call("fs.list", args);
    assert.ok(out.ok);
    return [out.result.entries.map((e) => e.name), out.result.total_count];
  };
  assert.deepEqual(await names({ after: "a.py" }), [["b.txt", "c.py", "d.py"], 3]);
  assert.deepEqual(await names({ after: "bz" }), [["c.py", "d.py"], 2]);
  assert.deepEqual(await names({ after: "a.py", pattern: "*.py" }), [["c.py", "d.py"], 2]);
  assert.deepEqual(await names({ after: "d.py" }), [[], 0]);
  // any name a directory can hold is a cursor, even one no path may contain
  assert.deepEqual(await names({ after: "a\\x\n" }), [["b.txt", "c.py", "d.py"], 3]);
});

Deno.test("fs.list sorts and pages by code point, not by UTF-16 code unit", async () => {
  await using fx = await createFixture({ maxListEntries: 1 });
  // U+FF01 < U+1F600 by code point (and UTF-8 bytes); JavaScript's < says the opposite
  await tree(fx.workspace, ["\u{1F600}", "\uFF01"]);
  const first = await fx.call("fs.list", {});
  assert.ok(first.ok);
  assert.deepEqual(first.result.entries.map((e) => e.name), ["\uFF01"]);
  const rest = await fx.call("fs.list", { after: "\uFF01" });
  assert.ok(rest.ok);
  assert.deepEqual(rest.result.entries.map((e) => e.name), ["\u{1F600}"]);
  assert.equal(rest.result.truncated, false);
});

Deno.test("fs.list says where the next page starts, even when no entry of a page can be looked up", async () => {
  await using fx = await createFixture({ maxListEntries: 2 });
  // two names that are not valid UTF-8: read as "a\uFFFD1" and "a\uFFFD2", never openable
  await touchRawName(fx.workspace, [...utf8("a"), 0xff, ...utf8("1")]);
  await touchRawName(fx.workspace, [...utf8("a"), 0xfe, ...utf8("2")]);
  await tree(fx.workspace, ["z.txt"]);
  const first = await fx.call("fs.list", {});
  assert.ok(first.ok);
  assert.deepEqual(first.result, {
    entries: [],
    total_count: 3,
    truncated: true,
    next_after: "a\uFFFD2",
    skipped: 2,
  });
  const rest = await fx.call("fs.list", { after: first.result.next_after! });
  assert.ok(rest.ok);
  assert.deepEqual(rest.result.entries.map((e) => e.name), ["z.txt"]);
  assert.equal(rest.result.truncated, false);
  assert.equal(rest.result.next_after, undefined);
  assert.equal(rest.result.skipped, undefined);
});

Deno.test("fs.list lists a file once when a name that is not valid UTF-8 reads as its name", async () => {
  await using fx = await createFixture();
  await tree(fx.workspace, ["a\uFFFD"]);
  await touchRawName(fx.workspace, [...utf8("a"), 0xff]);
  const out = await fx.call("fs.list", {});
  assert.ok(out.ok);
  assert.deepEqual(out.result.entries.map((e) => [e.name, e.size_bytes]), [["a\uFFFD", 4]]);
  assert.equal(out.result.skipped, 1);
  assert.equal(out.result.total_count, 2);
});

Deno.test("fs.list with limit returns at most that many entries, never more than maxListEntries", async () => {
  await using fx = await createFixture({ maxListEntries: 3 });
  await tree(fx.workspace, ["e", "d", "c", "b", "a"]);
  const names = async (args: Record<string, unknown>) => {
    const out = await fx.call("fs.list", args);
    assert.ok(out.ok);
    const { entries, truncated, next_after } = out.result;
    return [entries.map((e) => e.name).join(""), truncated, next_after];
  };
  assert.deepEqual(await names({ limit: 2 }), ["ab", true, "b"]);
  assert.deepEqual(await names({ limit: 2, after: "b" }), ["cd", true, "d"]);
  assert.deepEqual(await names({ limit: 2, after: "c" }), ["de", false, undefined]);
  assert.deepEqual(await names({ limit: 100 }), ["abc", true, "c"]);
  for (const limit of [0, -1, 1.5]) {
    assert.equal(codeOf(await fx.call("fs.list", { limit })), "INVALID_ARGUMENT", `${limit}`);
  }
});

Deno.test("fs.list gives no next_after when nothing is left, or when the listing is recursive", async () => {
  await using fx = await createFixture({ maxListEntries: 1 });
  await tree(fx.workspace, ["d/a", "d/b"]);
  const whole = await fx.call("fs.list", { path: "d", after: "a" });
  assert.ok(whole.ok);
  assert.equal(whole.result.truncated, false);
  assert.equal("next_after" in whole.result, false);
  const walk = await fx.call("fs.list", { recursive: true });
  assert.ok(walk.ok);
  assert.equal(walk.result.truncated, true);
  assert.equal("next_after" in walk.result, false, "a walk cannot be paged");
});

Deno.test("fs.list refuses an after that is not a name, or on a recursive listing", async () => {
  await using fx = await createFixture();
  await tree(fx.workspace, ["d/a.py"]);
  for (const after of ["", "d/a.py", "a\0b", "x".repeat(5000)]) {
    assert.equal(codeOf(await fx.call("fs.list", { after })), "INVALID_ARGUMENT", after);
  }
  assert.equal(
    codeOf(await fx.call("fs.list", { after: "a", recursive: true })),
    "INVALID_ARGUMENT",
  );
  // a pattern with / walks the tree, so it cannot page either
  assert.equal(
    codeOf(await fx.call("fs.list", { after: "a", pattern: "d/*.py" })),
    "INVALID_ARGUMENT",
  );
  assert.ok((await fx.call("fs.list", { after: "a", pattern: "d/*.py", recursive: false })).ok);
});

Deno.test("fs.list reports a symlinked directory as an entry and never descends into it", async () => {
  await using fx = await createFixture();
  await tree(fx.workspace, ["real/x.txt"]);
  await Deno.symlink("real", `${fx.workspace}/alias`);
  await Deno.symlink(fx.outside, `${fx.workspace}/out`);
  const out = await fx.call("fs.list", { recursive: true });
  assert.ok(out.ok);
  assert.deepEqual(out.result.entries.map((e) => [e.path, e.is_directory]), [
    ["alias", false],
    ["out", false],
    ["real", true],
    ["real/x.txt", false],
  ]);
});

Deno.test("fs.list reports missing paths, files and bad patterns", async () => {
  await using fx = await createFixture();
  await tree(fx.workspace, ["f.txt"]);
  assert.equal(codeOf(await fx.call("fs.list", { path: "nope" })), "NOT_FOUND");
  assert.equal(codeOf(await fx.call("fs.list", { path: "f.txt" })), "INVALID_ARGUMENT");
  const long = await fx.call("fs.list", { pattern: "*".repeat(5000) });
  assert.equal(codeOf(long), "INVALID_ARGUMENT");
});

Deno.test("fs.list: a pattern that names subdirectories walks them unless recursive is false", async () => {
  await using fx = await createFixture();
  await Deno.mkdir(`${fx.workspace}/d/e`, { recursive: true });
  await Deno.writeTextFile(`${fx.workspace}/d/e/f.py`, "");
  await Deno.writeTextFile(`${fx.workspace}/top.py`, "");
  const paths = async (args: Record<string, unknown>) => {
    const out = await fx.call("fs.list", args);
    assert.ok(out.ok);
    return out.result.entries.map((e) => e.path);
  };
  assert.deepEqual(await paths({ pattern: "**/*.py" }), ["d/e/f.py", "top.py"]);
  assert.deepEqual(await paths({ pattern: "d/*/*.py" }), ["d/e/f.py"]);
  assert.deepEqual(await paths({ pattern: "*.py" }), ["top.py"]);
  assert.deepEqual(await paths({ pattern: "**/*.py", recursive: false }), ["top.py"]);
});

Deno.test("fs.list does not show fs.write's hidden temp or set-aside files", async () => {
  await using fx = await createFixture();
  await Deno.writeTextFile(`${fx.workspace}/b.txt`, "x");
  await Deno.writeTextFile(`${fx.workspace}/.b.txt.76db0e82458e.tmp`, "half");
  await Deno.writeTextFile(`${fx.workspace}/.b.txt.76db0e82458e.old`, "old");
  await Deno.writeTextFile(`${fx.workspace}/.hidden`, "mine");
  const out = await fx.call("fs.list", {});
  assert.ok(out.ok);
  assert.deepEqual(out.result.entries.map((e) => e.path), [".hidden", "b.txt"]);
});
