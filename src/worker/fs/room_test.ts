import assert from "node:assert/strict";
import { WorkspaceUsage } from "../workspace_usage.ts";
import { createFixture, type Fixture } from "./_testing.ts";
import { sumWorkspace } from "./stats.ts";

/** A fixture whose workspace may hold `limit` bytes, measured as the executor measures it. */
async function fixtureWithLimit(limit: number): Promise<Fixture & { walks: () => number }> {
  const fx = await createFixture();
  let walks = 0;
  const usage = new WorkspaceUsage(limit, async (workspace) => {
    walks++;
    return (await sumWorkspace(workspace, { maxVisits: 1000 })).bytes;
  });
  fx.ctx.usage = usage.session("s1", fx.workspace);
  return Object.assign(fx, { walks: () => walks });
}

function write(fx: Fixture, path: string, size: number, append = false) {
  return fx.call("fs.write", { path, contents: "x".repeat(size), append });
}

Deno.test("fs.write refuses with LIMIT_EXCEEDED a write that would take the workspace over MAX_WORKSPACE_BYTES", async () => {
  await using fx = await fixtureWithLimit(100);
  await Deno.writeTextFile(`${fx.workspace}/old.txt`, "y".repeat(30)); // there before: measured
  assert.ok((await write(fx, "a.txt", 60)).ok);
  const over = await write(fx, "b.txt", 11);
  assert.deepEqual(over, {
    ok: false,
    error: {
      code: "LIMIT_EXCEEDED",
      message: 'Cannot write "b.txt": the workspace would hold 101 bytes, over its limit of 100 ' +
        "(MAX_WORKSPACE_BYTES); delete files to make room",
      retriable: false,
    },
  });
  assert.equal(await Deno.lstat(`${fx.workspace}/b.txt`).then(() => true, () => false), false);
  // exactly at the limit is allowed; replacing a file counts only the difference
  assert.ok((await write(fx, "b.txt", 10)).ok);
  assert.ok((await write(fx, "a.txt", 5)).ok);
  assert.ok((await write(fx, "a.txt", 60)).ok);
  const append = await write(fx, "a.txt", 1, true);
  assert.equal(append.ok ? "ok" : append.error.code, "LIMIT_EXCEEDED");
  assert.equal(fx.walks(), 1, "measured once, then counted");
});

Deno.test("fs.delete always works and makes room: a file by its size, a directory by measuring again", async () => {
  await using fx = await fixtureWithLimit(100);
  assert.ok((await write(fx, "a.txt", 70)).ok);
  assert.ok((await write(fx, "d/b.txt", 30)).ok);
  assert.equal((await write(fx, "c.txt", 1)).ok, false);
  assert.ok((await fx.call("fs.delete", { path: "a.txt" })).ok);
  assert.equal(fx.walks(), 1);
  assert.ok((await write(fx, "c.txt", 70)).ok);
  assert.equal((await write(fx, "e.txt", 1)).ok, false);
  assert.ok((await fx.call("fs.delete", { path: "d", recursive: true })).ok);
  assert.ok((await write(fx, "e.txt", 30)).ok);
  assert.equal(fx.walks(), 2, "a removed tree is measured again, once");
});

Deno.test("workspace.stats refreshes the workspace's recorded size", async () => {
  await using fx = await fixtureWithLimit(100);
  assert.ok((await write(fx, "a.txt", 50)).ok);
  // changed behind the worker's back (as code run in the workspace does)
  await Deno.writeTextFile(`${fx.workspace}/big.txt`, "z".repeat(45));
  assert.ok((await fx.call("workspace.stats", {})).ok);
  assert.equal(fx.ctx.usage?.known(), 95);
  assert.equal((await write(fx, "c.txt", 6)).ok, false);
});

Deno.test("a write and a delete of one file sent together keep the count equal to the disk", async () => {
  await using fx = await fixtureWithLimit(1_000);
  for (let i = 0; i < 40; i++) {
    assert.ok((await write(fx, "f.txt", 200)).ok);
    // both may answer ok in either order; the count must follow what is left on disk
    await Promise.all([write(fx, "f.txt", 200), fx.call("fs.delete", { path: "f.txt" })]);
  }
  const onDisk = (await sumWorkspace(fx.workspace, { maxVisits: 1000 })).bytes;
  assert.equal(fx.ctx.usage!.known(), onDisk);
});
