import assert from "node:assert/strict";
import { WorkspaceManager } from "./workspace_manager.ts";

const HOLDER = new URL("./testdata/hold_workspace.ts", import.meta.url).pathname;

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("WorkspaceManager removes the sessions of a manager that ended, never a live one's", async () => {
  const root = await Deno.makeTempDir({ prefix: "codegen-ws-" });
  try {
    const a = new WorkspaceManager(root);
    const b = new WorkspaceManager(root);
    const s1 = await a.ensure("s1");
    await Deno.writeTextFile(`${s1.workspace}/keep.txt`, "a");
    await b.ensure("s2"); // b's first use sweeps: a is alive
    assert.ok(await exists(`${s1.workspace}/keep.txt`), "a live manager's session stays");
    await a.close(); // as if a's process ended: its lock is released
    const c = new WorkspaceManager(root);
    await c.ensure("s3");
    assert.equal(await exists(s1.workspace), false, "the ended manager's workspace is gone");
    assert.equal(await exists(s1.stateDir), false);
    assert.ok(await exists(`${root}/sessions/s2`), "b is alive");
    assert.deepEqual(
      [...Deno.readDirSync(`${root}/owners`)].map((e) => e.name).length,
      2,
      "only the live managers' lock files remain",
    );
    await b.close();
    await c.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("WorkspaceManager removes what a killed process left, on the next start", async () => {
  const root = await Deno.makeTempDir({ prefix: "codegen-ws-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", `--allow-read=${root}`, `--allow-write=${root}`, HOLDER, root, "orphan"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no ready")), 30_000)),
    ]);
    assert.equal(first.value?.trim(), "ready");
    const live = new WorkspaceManager(root);
    await live.ensure("mine");
    assert.ok(await exists(`${root}/sessions/orphan`), "left alone while its process lives");
    child.kill("SIGKILL");
    await child.status;
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    const next = new WorkspaceManager(root);
    await next.ensure("theirs");
    assert.equal(await exists(`${root}/sessions/orphan`), false);
    assert.equal(await exists(`${root}/state/orphan`), false);
    assert.ok(await exists(`${root}/sessions/mine`));
    await live.close();
    await next.close();
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("WorkspaceManager tries its root again after a failed first use", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-ws-" });
  try {
    await Deno.writeTextFile(`${dir}/root`, "a file where the root should be");
    const manager = new WorkspaceManager(`${dir}/root`);
    await assert.rejects(manager.ensure("s1"));
    await Deno.remove(`${dir}/root`);
    const dirs = await manager.ensure("s1"); // not the remembered failure
    assert.ok(await exists(dirs.workspace));
    await manager.close();
    assert.deepEqual([...Deno.readDirSync(`${dir}/root/owners`)], [], "its lock file is gone");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
