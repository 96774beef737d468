import assert from "node:assert/strict";
import { LOG_MOVED } from "../../src/audit/log_moved.ts";
import { MemoryAuditSink } from "../../src/audit/mod.ts";
import type { AuditEvent } from "../../src/audit/mod.ts";
import { auditFailure } from "../../src/mcp/mod.ts";
import { resultText } from "../support/sdk_client.ts";
import { startTestCoordinator } from "../support/in_memory.ts";

/** A memory sink whose appends fail while `broken` (a full disk, say). */
class BreakableSink extends MemoryAuditSink {
  broken = false;
  failure = new Error("No space left on device");
  override append(event: AuditEvent): Promise<void> {
    return this.broken ? Promise.reject(this.failure) : super.append(event);
  }
}

/** The error details a failed call carries beside its text. */
function errorMeta(result: unknown): { retriable?: boolean } | undefined {
  const meta = (result as { _meta?: Record<string, unknown> })._meta;
  return meta?.["codegen-mcp/error"] as { retriable?: boolean } | undefined;
}

Deno.test("while the audit log cannot be written, calls that change state are refused before they run", async () => {
  let sink: BreakableSink | undefined;
  await using t = await startTestCoordinator({}, (clock) => sink = new BreakableSink({ clock }));
  const { client } = await t.connect();
  const calls: string[] = [];
  t.coordinator.deps.onToolCall = (tool, outcome) => void calls.push(`${tool}:${outcome}`);
  const ws = async () => {
    const info = (await client.callTool({ name: "session.info", arguments: {} }))
      .structuredContent as { session_id: string };
    return `${t.config.workspaceRoot}/sessions/${info.session_id}`;
  };
  const dir = await ws();
  calls.length = 0;

  sink!.broken = true;
  const first = await client.callTool({
    name: "fs.write",
    arguments: { path: "a.txt", contents: "1" },
  });
  assert.match(resultText(first), /^INTERNAL: The call could not be recorded in the audit log/);
  assert.match(auditFailure(t.coordinator.deps.audit) ?? "", /No space left/);
  // the next call that would change a file does not run at all
  const second = await client.callTool({
    name: "fs.write",
    arguments: { path: "b.txt", contents: "2" },
  });
  assert.match(
    resultText(second),
    /^INTERNAL: The audit log cannot be written \(the coordinator's/,
  );
  assert.doesNotMatch(resultText(second), /No space/, "the OS error is the operator's");
  assert.equal(errorMeta(second)?.retriable, true, "freeing space lifts it");
  assert.equal(await Deno.lstat(`${dir}/b.txt`).then(() => true, () => false), false);
  assert.deepEqual(calls, ["fs.write:error", "fs.write:error"], "metrics count them as failed");

  sink!.broken = false;
  // a read-only call still runs, and its stored record lifts the gate
  const read = await client.callTool({ name: "echo", arguments: { message: "hi" } });
  assert.equal(read.isError, undefined);
  assert.equal(auditFailure(t.coordinator.deps.audit), undefined);
  const third = await client.callTool({
    name: "fs.write",
    arguments: { path: "c.txt", contents: "3" },
  });
  assert.equal(third.isError, undefined, resultText(third));
});

Deno.test("an audit record keeps a failed run's own code and the bytes the call carried in", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  await client.callTool({ name: "fs.write", arguments: { path: "a.txt", contents: "héllo" } });
  await client.callTool({ name: "fs.read", arguments: { path: "missing.txt" } });
  const records = t.audit.records.filter((r) => r.kind === "tool_call");
  const write = records.find((r) => r.tool === "fs.write");
  assert.equal(write?.bytes_in, 6, "UTF-8 bytes of contents");
  assert.equal(records.find((r) => r.tool === "fs.read")?.error_code, "NOT_FOUND");
});

Deno.test("a log moved away is a refusal no retry can lift, and callers are not shown its path", async () => {
  let sink: BreakableSink | undefined;
  await using t = await startTestCoordinator({}, (clock) => sink = new BreakableSink({ clock }));
  const { client } = await t.connect();
  sink!.failure = new Error(
    `The audit log "/srv/secret-place/audit.jsonl" was removed ${LOG_MOVED}: restart`,
  );
  sink!.broken = true;
  const read = await client.callTool({ name: "echo", arguments: { message: "hi" } });
  assert.match(resultText(read), /^INTERNAL: The call could not be recorded in the audit log/);
  assert.equal(errorMeta(read)?.retriable, false);
  const write = await client.callTool({
    name: "fs.write",
    arguments: { path: "a", contents: "1" },
  });
  assert.match(resultText(write), /^INTERNAL: The audit log was moved or removed .* restarted$/);
  assert.equal(errorMeta(write)?.retriable, false);
  for (const answer of [read, write]) assert.doesNotMatch(resultText(answer), /secret-place/);
});
