import assert from "node:assert/strict";
import { verifyAuditLog } from "../../src/audit/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

// runs once the coordinator starts its threads and drops the front's permissions

Deno.test({
  name: "codegen-mcp serve over stdio records a startup audit record of its narrowed permissions",
  async fn() {
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "serve-narrowing-" }));
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-P=coordinator",
          "--ignore-env",
          MAIN,
          "serve",
          "--workspace-root",
          `${dir}/ws`,
          "--audit-log",
          `${dir}/audit/audit.jsonl`,
        ],
        cwd: ROOT,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // closing stdin ends the stdio session, and with it the process
      await child.stdin.close();
      const out = await child.output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      const [first] = (await Deno.readTextFile(`${dir}/audit/audit.jsonl`)).trim().split("\n");
      const record = JSON.parse(first!);
      assert.equal(record.kind, "startup");
      assert.equal(record.arguments.permission_set, "coordinator");
      const held = record.arguments.held;
      assert.equal(held.read, "denied", "the front reads no file once its threads run");
      assert.equal(held.write, "denied", "the front holds no write permission");
      assert.equal(held.run, "denied");
      assert.equal(held.net, "denied", "stdio with only the embedded worker needs no network");
      const threads = record.arguments.threads;
      assert.deepEqual(threads.audit.write, [`${dir}/audit`]);
      assert.deepEqual(threads["embedded-1"].write, [`${dir}/ws`]);
      assert.deepEqual(threads["embedded-1"].run, ["bwrap"]);
      assert.deepEqual(Object.values(threads.stdout), Array(8).fill(false), "stdout: no grant");
      assert.deepEqual(await verifyAuditLog(`${dir}/audit/audit.jsonl`), { ok: true, records: 1 });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
