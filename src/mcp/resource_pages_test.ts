import assert from "node:assert/strict";
import { compareNames } from "../policy/mod.ts";
import type { FsEntry } from "../rpc/mod.ts";
import { filePage, type ListDirectory } from "./resource_pages.ts";

// A fake tree: paths ending in "/" are directories. Like fs.list, a listing gives at most
// `cap` entries after the name it is given, and says when there are more.
function tree(paths: string[], cap = Infinity): { list: ListDirectory; calls: string[] } {
  const calls: string[] = [];
  const list: ListDirectory = (dir, after) => {
    calls.push(after === undefined ? dir : `${dir} after ${after}`);
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
    return Promise.resolve({ entries: entries.slice(0, cap), more: entries.length > cap });
  };
  return { list, calls };
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
