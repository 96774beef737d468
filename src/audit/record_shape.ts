import { computeRecordHash } from "./chain.ts";
import type { AuditRecord } from "./event.ts";

const HEX64 = /^[0-9a-f]{64}$/;

/** A stored line parsed into a record, or why it is not one. */
export type ParsedLine = { ok: true; record: AuditRecord } | { ok: false; reason: string };

/** Parses one stored line and checks the fields the chain depends on, and its own hash. */
export function parseRecordLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: "line is not valid JSON" };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, reason: "line is not a JSON object" };
  }
  const record = value as Record<string, unknown>;
  if (!Number.isSafeInteger(record.seq) || (record.seq as number) < 1) {
    return { ok: false, reason: 'record has no valid "seq"' };
  }
  for (const field of ["prev", "hash"]) {
    const hash = record[field];
    if (typeof hash !== "string" || !HEX64.test(hash)) {
      return { ok: false, reason: `record has no valid "${field}"` };
    }
  }
  if (computeRecordHash(record) !== record.hash) {
    return { ok: false, reason: "record hash does not match its contents" };
  }
  return { ok: true, record: record as unknown as AuditRecord };
}
