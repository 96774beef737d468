import { createHash } from "node:crypto";
import { CodegenError } from "../core/mod.ts";
import { canonicalJson } from "./canonical_json.ts";
import { type AuditEvent, GENESIS_HASH } from "./event.ts";

/** Where a chain stands: the last record's `seq` and `hash` (0 and genesis when empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The head of an empty log. */
export const EMPTY_HEAD: ChainHead = Object.freeze({ seq: 0, hash: GENESIS_HASH });

/** The hash a record must carry: over `prev` and every other field, keys sorted. */
export function computeRecordHash(record: Record<string, unknown>): string {
  const { hash: _hash, ...body } = record;
  return sealBody(body).hash;
}

/**
 * The hash of a record's `body` (every field but `hash`) and the exact line the writer
 * stores for it: the hashed canonical JSON with `hash` added last. The verifier compares
 * stored lines with this, so a line must be byte for byte what the writer produced.
 */
export function sealBody(body: Record<string, unknown>): { hash: string; line: string } {
  const canonical = canonicalJson(body);
  // Synchronous hashing: verifying a large log is several times faster than WebCrypto.
  const hash = createHash("sha256").update(String(body.prev) + canonical).digest("hex");
  return { hash, line: `${canonical.slice(0, -1)},"hash":"${hash}"}` };
}

/** A sealed record: its place in the chain, and the exact line stored (without newline). */
export interface SealedRecord {
  seq: number;
  hash: string;
  line: string;
}

/**
 * Builds the record following `head` from `event` and the line to store. Only known fields
 * are copied. The line is the canonical JSON that is hashed, with `hash` added last, so a
 * record is serialized once; the verifier re-serializes each parsed line the same way
 * and refuses any line that differs (see record_shape.ts).
 */
export function sealRecord(
  head: ChainHead,
  event: AuditEvent,
  options: { ts: string },
): SealedRecord {
  checkEvent(event);
  // keys in sorted order, so canonicalJson writes it with one JSON.stringify
  const body: Record<string, unknown> = {
    arguments: event.arguments,
    bytes_in: event.bytes_in,
    bytes_out: event.bytes_out,
    decision: event.decision,
    duration_ms: event.duration_ms,
    error_code: event.error_code,
    kind: event.kind ?? "tool_call",
    outcome: event.outcome,
    prev: head.hash,
    principal: event.principal,
    reason: event.reason,
    seq: head.seq + 1,
    session_id: event.session_id,
    tool: event.tool,
    trace_id: event.trace_id,
    ts: options.ts,
  };
  // canonical JSON already drops undefined fields and normalizes values as JSON would
  const { hash, line } = sealBody(body);
  return { seq: head.seq + 1, hash, line };
}

// A malformed event is a bug in the caller; refusing it keeps the log well-typed.
function checkEvent(event: AuditEvent): void {
  const strings = ["principal", "session_id", "tool"] as const;
  for (const field of strings) {
    if (typeof event[field] !== "string") throw invalid(field, "must be a string");
  }
  if (event.kind !== undefined && event.kind !== "tool_call" && event.kind !== "startup") {
    throw invalid("kind", 'must be "tool_call" or "startup"');
  }
  if (event.decision !== "allowed" && event.decision !== "denied") {
    throw invalid("decision", 'must be "allowed" or "denied"');
  }
  if (event.outcome !== "ok" && event.outcome !== "error") {
    throw invalid("outcome", 'must be "ok" or "error"');
  }
  if (!Number.isFinite(event.duration_ms)) throw invalid("duration_ms", "must be a number");
  if (event.arguments === null || typeof event.arguments !== "object") {
    throw invalid("arguments", "must be an object");
  }
}

function invalid(field: string, detail: string): CodegenError {
  return new CodegenError("INVALID_ARGUMENT", `Cannot audit event: "${field}" ${detail}`);
}
