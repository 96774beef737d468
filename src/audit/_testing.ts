import type { AuditEvent } from "./event.ts";

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
