import assert from "node:assert/strict";
import { Client, StdioClientTransport } from "../support/sdk_client.ts";
import { runMain, stdioMainCommand } from "../support/run_main.ts";

/** A coordinator on stdio over the given data directory, with its pid to kill. */
async function start(dir: string): Promise<{ client: Client; pid: number }> {
  const transport = new StdioClientTransport({
    ...stdioMainCommand(dir, { AUDIT_LOG: `${dir}/audit/audit.jsonl` }),
    stderr: "ignore",
  });
  const client = new Client({ name: "crash", version: "1.0.0" });
  await client.connect(transport);
  return { client, pid: transport.pid! };
}

Deno.test("every call answered before a SIGKILL is in the audit log, and the restart continues the chain", async () => {
  const dir = await Deno.makeTempDir({ prefix: "audit-crash-" });
  try {
    const answered: string[] = [];
    for (let round = 0; round < 3; round++) {
      const { client, pid } = await start(dir);
      // 200 calls in flight; the coordinator dies once 40 of them have been answered
      let answers = 0;
      let killed = false;
      const calls = Array.from({ length: 200 }, (_, i) => {
        const path = `r${round}-${i}.txt`;
        return client.callTool({ name: "fs.write", arguments: { path, contents: "x" } }).then(
          (result) => {
            if (result.isError) return;
            answered.push(path);
            if (++answers === 40 && !killed) {
              killed = true;
              Deno.kill(pid, "SIGKILL");
            }
          },
          () => {},
        );
      });
      await Promise.allSettled(calls);
      await client.close();
      assert.ok(killed, "the burst was cut off by the kill");
    }
    const log = await Deno.readTextFile(`${dir}/audit/audit.jsonl`);
    const logged = new Set(
      log.split("\n").filter((l) => l).map((l) => JSON.parse(l).arguments?.path),
    );
    assert.deepEqual(answered.filter((p) => !logged.has(p)), [], "answered but not recorded");

    // the restarted coordinator chained on from the killed one's last record
    const last = await start(dir);
    await last.client.callTool({ name: "echo", arguments: { message: "after" } });
    await last.client.close();
    const verified = await runMain(["audit", "verify", `${dir}/audit/audit.jsonl`]);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /^audit log intact: \d+ records/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
