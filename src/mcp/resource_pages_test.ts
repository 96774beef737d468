import assert from "node:assert/strict";
import type { CodegenError } from "../core/mod.ts";
import { compareNames } from "../policy/mod.ts";
import type { FsEntry } from "../rpc/mod.ts";
import { filePage, type ListDirectory } from "./resource_pages.ts";

// A fake tree: paths ending in "/" are directories. Like fs.list, a listing gives at most
// `limit` (and `cap`) entries after the name it is given, says when there are more and after
// which name they come. Names in `unreadable` count for paging but are never returned, as
// fs.list skips a name it cannot look up.
function tree(
  paths: string[],
  cap = Infinity,
  unreadable: string[] = [],
): { list: ListDirectory; calls: string[]; limits: number[] } {
  const calls: string[] = [];
  const limits: number[] = [];
  const list: ListDirectory = (dir, { after, limit }) => {
    calls.push(after === undefined ? dir : `${dir} after ${after}`);
    limits.push(limit);
    const prefix = dir === "." ? "" : `${dir}/`;
    if (dir !== "." && !paths.includes(`${dir}/`)) return Promise.resolve(null);
    const children = paths
      .filter((p) => p.startsWith(prefix) && p !== prefix)
      .filter((p) => !p.slice(prefix.length).replace(/\/$/, "").includes("/"));
    const entries: FsEntry[] = children.map((p) => {
      const path = p.replace(/\/$/, "");
      return {
        path,
        name: path.slice(prefix.length),
        size_bytes: 1,
        is_directory: p.endsWith("/"),
        modified_time_ms: 0,
      };
    }).sort((a, b) => compareNames(a.name, b.name))
      .filter((e) => after === undefined || compareNames(e.name, after) > 0);
    const page = entries.slice(0, Math.min(cap, limit));
    const more = entries.length > page.length;
    return Promise.resolve({
      entries: page.filter((e) => !unreadable.includes(e.path)),
      more,
      next: more ? page.at(-1)!.name : undefined,
    });
  };
  return { list, calls, limits };
}

async function allPages(list: ListDirectory, pageSize: number, maxLists = 100) {
  const pages: string[][] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await filePage(list, { after, pageSize, maxLists });
    pages.push(page.files.map((f) => f.path));
    if (page.next === undefined) return pages;
    after = page.next;
  }
  throw new Error("no last page within 100 pages");
}

const PATHS = [
  "a/",
  "a/1.txt",
  "a/b/",
  "a/b/2.txt",
  "a/b/3.txt",
  "a/empty/",
  "a.txt",
  "c/",
  "c/4.txt",
  "z.txt",
];
const FILES = ["a/1.txt", "a/b/2.txt", "a/b/3.txt", "a.txt", "c/4.txt", "z.txt"];

Deno.test("filePage() returns every file once, in depth-first name order, whatever the page size and cap", async () => {
  for (const cap of [1, 2, Infinity]) {
    for (const size of [1, 2, 3, 5, 6, 100]) {
      const pages = await allPages(tree(PATHS, cap).list, size);
      assert.deepEqual(pages.flat(), FILES, `page size ${size}, cap ${cap}`);
      assert.ok(pages.every((p) => p.length <= size));
    }
  }
});

Deno.test("filePage() pages through a directory larger than a listing's cap", async () => {
  const names = Array.from({ length: 25 }, (_, i) => `big/f${String(i).padStart(2, "0")}`);
  const paths = ["a.txt", "big/", ...names, "z.txt"];
  for (const [size, maxLists] of [[100, 100], [4, 100], [100, 3], [1, 1]] as const) {
    const { list, calls } = tree(paths, 3);
    const pages = await allPages(list, size, maxLists);
    assert.deepEqual(pages.flat(), ["a.txt", ...names, "z.txt"], `${size}, ${maxLists}`);
    if (size === 100 && maxLists === 100) {
      assert.equal(pages.length, 1);
      // the directory is listed again after the last name each capped listing gave
      assert.ok(calls.includes("big after f02"), calls.join(", "));
      assert.ok(calls.includes("big after f23"), calls.join(", "));
    }
  }
});

Deno.test("filePage() resumes inside a capped directory by listing it after the cursor's name", async () => {
  const names = Array.from({ length: 10 }, (_, i) => `big/f${i}`);
  const { list, calls } = tree(["big/", ...names, "z.txt"], 3);
  const page = await filePage(list, { after: "big/f5", pageSize: 100, maxLists: 100 });
  assert.deepEqual(page.files.map((f) => f.path), [
    "big/f6",
    "big/f7",
    "big/f8",
    "big/f9",
    "z.txt",
  ]);
  assert.deepEqual(calls.slice(0, 2), [". after big", "big after f5"]);
});

Deno.test("filePage() lists at most maxLists directories per page and still makes progress", async () => {
  const pages = await allPages(tree(PATHS).list, 100, 2);
  assert.deepEqual(pages.flat(), FILES);
  assert.ok(pages.length > 1, "the directory budget split the walk");
});

Deno.test("filePage() goes on after a cursor whose directory is gone", async () => {
  const { list } = tree(PATHS);
  const page = await filePage(list, { after: "a/gone/x.txt", pageSize: 100, maxLists: 100 });
  assert.deepEqual(page.files.map((f) => f.path), ["a.txt", "c/4.txt", "z.txt"]);
  assert.equal(page.next, undefined);
});

Deno.test("filePage() on an empty workspace is one empty last page", async () => {
  assert.deepEqual(await filePage(tree([]).list, { pageSize: 10, maxLists: 10 }), { files: [] });
});

Deno.test("filePage() moves on through a chain of directories deeper than maxLists", async () => {
  const deep = Array.from({ length: 12 }, (_, i) => "d/".repeat(i + 1));
  const paths = [...deep, `${"d/".repeat(12)}bottom.txt`];
  const pages = await allPages(tree(paths).list, 100, 5);
  assert.deepEqual(pages.flat(), [`${"d/".repeat(12)}bottom.txt`]);
  // and with a file first, no page repeats the cursor it was given
  const { list } = tree(["0.txt", ...paths]);
  let after: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await filePage(list, { after, pageSize: 100, maxLists: 5 });
    if (page.next === undefined) break;
    assert.notEqual(page.next, after);
    after = page.next;
  }
});

Deno.test("filePage() goes on past windows none of whose entries could be looked up", async () => {
  const names = Array.from({ length: 12 }, (_, i) => `big/f${String(i).padStart(2, "0")}`);
  // the first six names and f09 cannot be looked up: whole windows of the cap come back empty
  const unreadable = [...names.slice(0, 6), "big/f09"];
  const readable = names.filter((n) => !unreadable.includes(n));
  for (const [size, maxLists] of [[100, 100], [2, 100], [100, 2], [1, 1]] as const) {
    const { list } = tree(["a.txt", "big/", ...names, "z.txt"], 3, unreadable);
    const pages = await allPages(list, size, maxLists);
    assert.deepEqual(pages.flat(), ["a.txt", ...readable, "z.txt"], `${size}, ${maxLists}`);
  }
  // resumed at a cursor inside such a window, too
  const { list } = tree(["big/", ...names], 3, unreadable);
  const page = await filePage(list, { after: "big/f01", pageSize: 100, maxLists: 100 });
  assert.deepEqual(page.files.map((f) => f.path), readable);
});

Deno.test("filePage() fails, not loops, on a listing that has more but does not say where", async () => {
  const entry = { path: "x", name: "x", size_bytes: 1, is_directory: false, modified_time_ms: 0 };
  const windows = [
    { entries: [], more: true },
    { entries: [], more: true, next: "a" },
    { entries: [entry], more: true, next: "x" },
  ];
  for (const window of windows) {
    let calls = 0;
    const list: ListDirectory = () => {
      calls++;
      return Promise.resolve(window);
    };
    const after = window.next === undefined ? undefined : "x";
    await assert.rejects(
      filePage(list, { after, pageSize: 100, maxLists: 100 }),
      (err: CodegenError) => err.code === "INTERNAL" && /more entries remain/.test(err.message),
      JSON.stringify(window),
    );
    assert.ok(calls <= 2, `${calls} listings`);
  }
});

Deno.test("filePage() asks each listing for only as many entries as the page still needs", async () => {
  const names = Array.from({ length: 10 }, (_, i) => `big/f${i}`);
  const { list, calls, limits } = tree(["a.txt", "big/", ...names, "z.txt"], 3);
  const page = await filePage(list, { pageSize: 5, maxLists: 100 });
  assert.deepEqual(page.files.map((f) => f.path), [
    "a.txt",
    "big/f0",
    "big/f1",
    "big/f2",
    "big/f3",
  ]);
  assert.deepEqual(calls, [".", "big", "big after f2"]);
  // the root for the whole page (capped at 3), then 4 and 1 for what is left
  assert.deepEqual(limits, [5, 4, 1]);
});
