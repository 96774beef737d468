import assert from "node:assert/strict";
import type { AuditEvent } from "./event.ts";
import type { AuditSink } from "./sink.ts";
import { verifyAuditLog } from "./verify.ts";

/** A plausible tool-call event; `n` varies the path so records differ. */
export function sampleEvent(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    principal: "local",
    session_id: "s-1",
    tool: "fs.write",
    arguments: { path: `notes/${n}.txt`, contents: { sha256: "ab".repeat(32), bytes: n } },
    decision: "allowed",
    outcome: "ok",
    duration_ms: n,
    bytes_in: n * 10,
    ...overrides,
  };
}

/** A fresh temporary directory that removes itself at the end of the `await using` scope. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "audit_test_" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/**
 * Opens a sink on a fresh log with `open` and appends a record, one too large to store,
 * and another: the large one is refused with TOO_LARGE and the log still verifies.
 */
export async function checkOversizedRefused(
  open: (path: string) => Promise<AuditSink>,
): Promise<void> {
  await using dir = await tempDir();
  const path = `${dir.path}/audit.jsonl`;
  const sink = await open(path);
  try {
    await sink.append(sampleEvent(1));
    const huge = sampleEvent(2, { arguments: { blob: "x".repeat(1024 * 1024) } });
    await assert.rejects(sink.append(huge), { code: "TOO_LARGE" });
    await sink.append(sampleEvent(3));
  } finally {
    await sink.close();
  }
  assert.deepEqual(await verifyAuditLog(path), { ok: true, records: 2 });
}
