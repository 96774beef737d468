import assert from "node:assert/strict";
import { PERMISSION_SETS } from "../../src/app/permissions.ts";
import { skipWithout } from "../support/requirements.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const SPAWN = new URL("./testdata/spawn_threads.ts", import.meta.url).pathname;

async function run(flags: string[], args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test({
  name: "codegen-mcp permissions --json under -P=coordinator reports exactly the coordinator set",
  // Deno resolves run grants to installed programs: without bwrap its grant cannot be held
  ignore: skipWithout("bwrap"),
  async fn() {
    const out = await run(["-P=coordinator"], [MAIN, "permissions", "--json"]);
    assert.equal(out.code, 0, out.stderr);
    const report = JSON.parse(out.stdout);
    const set = PERMISSION_SETS.coordinator!;
    assert.equal(report.set, "coordinator");
    assert.equal(report.matches_set, true);
    assert.equal(report.permissions.read.state, "granted");
    assert.equal(report.permissions.write.state, "granted");
    assert.deepEqual(report.permissions.net, {
      state: "partial",
      values: set.net,
      configured: set.net,
      matches: true,
    });
    assert.deepEqual(report.permissions.env, {
      state: "partial",
      values: set.env,
      configured: set.env,
      matches: true,
    });
    assert.deepEqual(report.permissions.run.values, ["bwrap", "python3"]);
    assert.deepEqual(report.permissions.sys.values, set.sys);
    assert.equal(report.permissions.ffi.state, "denied");
  },
});

Deno.test({
  name: "codegen-mcp permissions shows what narrow flags hold and that they differ from the set",
  async fn() {
    // --ignore-env: grpc-js reads its GRPC_* variables at import time
    const flags = [
      "--allow-read",
      "--allow-env=HOME,LOG_LEVEL",
      "--ignore-env",
      "--allow-run=python3",
    ];
    const json = await run(flags, [MAIN, "permissions", "--json"]);
    assert.equal(json.code, 1, "not holding the set fails the check: " + json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.matches_set, false);
    assert.equal(report.permissions.read.state, "granted");
    assert.equal(report.permissions.write.state, "denied");
    assert.equal(report.permissions.net.state, "denied");
    assert.deepEqual(report.permissions.env.values, ["LOG_LEVEL", "HOME"]);
    assert.deepEqual(report.permissions.run.values, ["python3"]);
    assert.equal(report.permissions.run.matches, false);
    const table = await run(flags, [MAIN, "permissions"]);
    assert.equal(table.code, 1, table.stderr);
    assert.match(
      table.stdout,
      /^write +denied \(or granted only for values Deno cannot list\) +all +NO$/m,
    );
    assert.match(table.stdout, /^run +granted for listed values \(1\) +2 listed +NO$/m);
    assert.match(table.stdout, /does NOT hold the "coordinator" set/);
  },
});

Deno.test("a thread cannot be granted what its parent lacks: no run in the parent, no worker thread", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "spawn-threads-" }));
  try {
    const flags = ["--allow-read", `--allow-write=${dir}`, "--unstable-worker-options"];
    const out = await run(flags, [SPAWN, dir]);
    assert.equal(out.code, 0, out.stderr);
    const got = JSON.parse(out.stdout);
    assert.equal(got.audit, "ok");
    assert.match(got.worker, /^NotCapable: Can't escalate parent thread permissions/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
