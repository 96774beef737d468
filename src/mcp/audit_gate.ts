import type { AuditSink } from "../audit/mod.ts";

// why each sink's last append failed; absent while appends succeed
const failing = new WeakMap<AuditSink, string>();

/**
 * Why the audit log's last append failed, or undefined while it is writing. A call that
 * ran but could not be recorded has already had its effect: while the log is failing,
 * calls that change files or run code are refused before they run, and every call's own
 * record (refusals included) tries the log again, so the first success lifts the gate.
 */
export function auditFailure(sink: AuditSink): string | undefined {
  return failing.get(sink);
}

/** Records the outcome of an append to `sink`. */
export function noteAppend(sink: AuditSink, error?: unknown): void {
  if (error === undefined) failing.delete(sink);
  else failing.set(sink, error instanceof Error ? error.message : String(error));
}
