import { type AuditSink, isLogMoved } from "../audit/mod.ts";
import { CodegenError } from "../core/mod.ts";

// why each sink's last append failed; absent while appends succeed
const failing = new WeakMap<AuditSink, string>();

/**
 * Why the audit log's last append failed, or undefined while it is writing. A call that
 * ran but could not be recorded has already had its effect: while the log is failing,
 * calls that change files or run code are refused before they run, and every call's own
 * record (refusals included) tries the log again, so the first success lifts the gate.
 * The reason is for the operator's log only: it names the log's path and the OS error.
 */
export function auditFailure(sink: AuditSink): string | undefined {
  return failing.get(sink);
}

/** Records the outcome of an append to `sink`. */
export function noteAppend(sink: AuditSink, error?: unknown): void {
  if (error === undefined) failing.delete(sink);
  else failing.set(sink, error instanceof Error ? error.message : String(error));
}

/**
 * What a caller is told when a call that changes state is refused because of `failure`:
 * not the path or OS error (those are logged), but whether waiting can help — a log moved
 * away takes no more records until a restart, while a full disk may be freed.
 */
export function auditRefusal(failure: string): CodegenError {
  if (isLogMoved(failure)) {
    return new CodegenError(
      "INTERNAL",
      "The audit log was moved or removed while the coordinator ran: calls that change files " +
        "or run code are refused until the coordinator is restarted",
    );
  }
  return new CodegenError(
    "INTERNAL",
    "The audit log cannot be written (the coordinator's log says why): calls that change " +
      "files or run code are refused until it can",
    { retriable: true },
  );
}

/** What a caller gets instead of a result whose record could not be stored after `failure`. */
export function unrecorded(failure: string): CodegenError {
  return new CodegenError("INTERNAL", "The call could not be recorded in the audit log", {
    retriable: !isLogMoved(failure),
  });
}
