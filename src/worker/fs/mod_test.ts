import assert from "node:assert/strict";
import { withExecutor } from "../_testing.ts";
import { createFixture } from "./_testing.ts";
import { FS_HANDLERS } from "./mod.ts";

Deno.test("WorkerExecutor runs the file tools and returns refusals as outcomes", () =>
  withExecutor(async (executor) => {
    await executor.createSession("s1");
    const write = await executor.execute("s1", {
      tool: "fs.write",
      args: { path: "notes/a.md", contents: "# hi" },
    });
    assert.deepEqual(write, { ok: true, result: { path: "notes/a.md", bytes_written: 4 } });
    const read = await executor.execute("s1", { tool: "fs.read", args: { path: "notes/a.md" } });
    assert.ok(read.ok && "contents" in read.result && read.result.contents === "# hi");
    const stats = await executor.execute("s1", { tool: "workspace.stats", args: {} });
    assert.deepEqual(stats, { ok: true, result: { workspace_bytes: 4, file_count: 1 } });
    const escape = await executor.execute("s1", { tool: "fs.read", args: { path: "../s2/x" } });
    assert.deepEqual(escape, {
      ok: false,
      error: {
        code: "PATH_VIOLATION",
        message: 'Cannot use "../s2/x": path leaves the workspace',
        retriable: false,
      },
    });
  }));

Deno.test("FS_HANDLERS stop a cancelled task with CANCELLED before touching the disk", async () => {
  await using fx = await createFixture();
  const controller = new AbortController();
  controller.abort();
  const ctx = { ...fx.ctx, signal: controller.signal };
  await assert.rejects(
    FS_HANDLERS["fs.write"](ctx, { path: "x.txt", contents: "x" }),
    (e) => e instanceof Error && "code" in e && e.code === "CANCELLED",
  );
  await assert.rejects(FS_HANDLERS["fs.list"](ctx, {}), /cancelled/);
  await assert.rejects(Deno.lstat(`${fx.workspace}/x.txt`), Deno.errors.NotFound);
});
