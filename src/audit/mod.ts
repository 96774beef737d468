/**
 * The audit log: one hash-chained JSON-lines record per tool call (and one at start-up),
 * holding who called which tool in which session, an argument digest (paths in clear,
 * code and contents as sha256, secrets never), the decision, outcome, duration and bytes.
 *
 * Each record carries `prev` (the previous record's `hash`, 64 zeros for the first) and
 * `hash = sha256hex(prev + canonicalJson(record without hash))`, so editing, reordering or
 * removing a record inside the log breaks the chain at that line and
 * {@link verifyAuditLog} names the line; so does a line that is not byte for byte the one
 * the writer stored (re-serialized, duplicate keys, CRLF). Honest limit: records removed only from the END,
 * or a log rewritten and re-hashed to its end, leave a valid chain; detecting that needs a
 * record's hash kept elsewhere (the sinks log their head on open and close; verify takes
 * it as an anchor).
 * A partial last line (crash mid-write) is truncated when the log is reopened.
 * @module
 */
export {
  type AuditDecision,
  type AuditEvent,
  type AuditKind,
  type AuditOutcome,
  type AuditRecord,
  GENESIS_HASH,
  MAX_RECORD_BYTES,
} from "./event.ts";
export type { AuditSink } from "./sink.ts";
export { type ChainHead, computeRecordHash } from "./chain.ts";
export { canonicalJson } from "./canonical_json.ts";
export { createFileAuditSink, FileAuditSink, type FileAuditSinkOptions } from "./file_sink.ts";
export { MemoryAuditSink, type MemoryAuditSinkOptions } from "./memory_sink.ts";
export {
  AUDIT_THREAD_URL,
  auditThreadPermissions,
  createThreadAuditSink,
  ThreadAuditSink,
  type ThreadAuditSinkOptions,
} from "./thread_sink.ts";
export { isLogMoved } from "./log_moved.ts";
export { carriedBytes, digestArguments, digestValue, type ValueDigest } from "./digest.ts";
export {
  type AuditVerifyOptions,
  type AuditVerifyResult,
  runAuditVerify,
  verifyAuditLog,
} from "./verify.ts";
