import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = new URL("./testdata/front_drop.ts", import.meta.url).pathname;

Deno.test("after dropFrontPermissions the front gets NotCapable for read, write, run and net while the threads still work", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "front-drop-" }));
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-P=coordinator", "--unstable-worker-options", SCRIPT, dir],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const got = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.deepEqual(got.front, {
      write: "NotCapable",
      writeAuditDir: "NotCapable",
      writeWorkspace: "NotCapable",
      run: "NotCapable",
      net: "NotCapable",
      read: "NotCapable",
    });
    // the audit thread wrote its record (read here, by the test)
    const records = (await Deno.readTextFile(`${dir}/audit/audit.jsonl`)).trim().split("\n");
    assert.equal(records.length, 1);
    assert.equal(got.threads.fsWrite, true);
    if (Deno.env.get("CI") === "true") assert.ok(got.sandbox, "bubblewrap is installed in CI");
    if (got.sandbox) assert.equal(got.threads.python, "hi", "the thread still starts bwrap");
    assert.equal(got.threads.workerWriteOutside.error, "NotCapable");
    assert.equal(got.threads.auditWriteOutside.error, "NotCapable");
    await assert.rejects(Deno.lstat(`${dir}/front.txt`), Deno.errors.NotFound);
    await assert.rejects(Deno.lstat(`${dir}/outside.txt`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
