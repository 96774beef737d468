/** Whether policy let the call run. */
export type AuditDecision = "allowed" | "denied";
/** How a call that ran ended. */
export type AuditOutcome = "ok" | "error";
/** What a record is about: one tool call, or the process starting (with its permissions). */
export type AuditKind = "tool_call" | "startup";

/** What a caller reports for one call; `arguments` must already be digested. */
export interface AuditEvent {
  /** Defaults to `tool_call`. */
  kind?: AuditKind;
  principal: string;
  session_id: string;
  tool: string;
  /** Output of `digestArguments`: never raw code, contents or secrets. */
  arguments: Record<string, unknown>;
  decision: AuditDecision;
  reason?: string;
  outcome: AuditOutcome;
  error_code?: string;
  duration_ms: number;
  bytes_in?: number;
  bytes_out?: number;
  trace_id?: string;
}

/** One stored line: the event plus its place in the hash chain. */
export interface AuditRecord extends Omit<AuditEvent, "kind"> {
  seq: number;
  /** ISO 8601 time the record was sealed. */
  ts: string;
  kind: AuditKind;
  /** `hash` of the previous record, or {@link GENESIS_HASH} for the first. */
  prev: string;
  /** `sha256hex(prev + canonicalJson(record without hash))`. */
  hash: string;
}

/** The `prev` of record 1. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Longest line (record plus newline) the writer stores and the verifier reads. Digested
 * arguments keep records to a few KiB; the bound keeps memory bounded on a garbage file.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;
