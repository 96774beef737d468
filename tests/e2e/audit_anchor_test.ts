import assert from "node:assert/strict";
import { startStdioCoordinator } from "../support/coordinator_process.ts";
import { runMain } from "../support/run_main.ts";

/** The `seq` and `hash` of a "Audit log ... opened/closed at" line in the logs, if any. */
function loggedHead(stderr: string, event: "opened" | "closed") {
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as { message: string; properties: Record<string, unknown> };
    if (entry.message.startsWith("Audit log") && entry.message.includes(` ${event} at `)) {
      return { seq: entry.properties.seq as number, hash: entry.properties.hash as string };
    }
  }
  return undefined;
}

Deno.test("the coordinator logs its audit head on open and close, an anchor that exposes a cut-off end", async () => {
  const dir = await Deno.makeTempDir({ prefix: "audit-anchor-" });
  try {
    const auditLog = `${dir}/audit/audit.jsonl`;
    const env = { AUDIT_LOG: auditLog, LOG_LEVEL: "info" };
    const first = await startStdioCoordinator({ env });
    for (let i = 0; i < 3; i++) {
      await first.client.callTool({ name: "echo", arguments: { message: `m${i}` } });
    }
    await first.close();
    const lines = (await Deno.readTextFile(auditLog)).trimEnd().split("\n");
    const last = JSON.parse(lines.at(-1)!) as { seq: number; hash: string };
    const closed = loggedHead(first.stderr(), "closed");
    assert.deepEqual(closed, { seq: last.seq, hash: last.hash }, first.stderr());

    // a crash mid-write leaves a partial line: the next start drops it, and says so; the
    // anchors are logged however little else is
    await Deno.writeTextFile(auditLog, '{"arguments":{', { append: true });
    const second = await startStdioCoordinator({ env: { ...env, LOG_LEVEL: "warn" } });
    await second.close();
    assert.deepEqual(loggedHead(second.stderr(), "opened"), closed);
    assert.equal(loggedHead(second.stderr(), "closed")?.seq, closed!.seq + 1, "its startup record");
    assert.match(second.stderr(), /Dropped a partial last line of the audit log .* \(14 bytes\)/);

    const anchor = `${closed!.seq}:${closed!.hash}`;
    const intact = await runMain(["audit", "verify", auditLog, "--anchor", anchor]);
    assert.equal(intact.code, 0, intact.stderr);
    assert.match(intact.stdout, new RegExp(`record ${closed!.seq} matches the anchor`));
    // records cut off the end: a valid chain on its own, but short of the anchor
    await Deno.writeTextFile(auditLog, lines.slice(0, -2).join("\n") + "\n");
    assert.equal((await runMain(["audit", "verify", auditLog])).code, 0);
    const cut = await runMain(["audit", "verify", auditLog, "--anchor", anchor]);
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /broken at line \d+: log ends at seq \d+, before the anchor's seq/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
