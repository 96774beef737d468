import { sealBody } from "./chain.ts";
import type { AuditRecord } from "./event.ts";

const HEX64 = /^[0-9a-f]{64}$/;

/** A stored line parsed into a record, or why it is not one. */
export type ParsedLine = { ok: true; record: AuditRecord } | { ok: false; reason: string };

/**
 * Parses one stored line and checks the fields the chain depends on, its own hash, and
 * that the line is byte for byte the one the writer stores for that record. The hash
 * covers the parsed record, not the text: without the last check a duplicate key, added
 * whitespace, another key order, a trailing CR or `5.0` for `5` would all go unnoticed.
 */
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
  const { hash: _hash, ...body } = record;
  const sealed = sealBody(body);
  if (sealed.hash !== record.hash) {
    return { ok: false, reason: "record hash does not match its contents" };
  }
  if (sealed.line !== line) return { ok: false, reason: notCanonical(line, sealed.line) };
  return { ok: true, record: record as unknown as AuditRecord };
}

// Names where the stored line first differs from the writer's form, to find the edit.
function notCanonical(line: string, canonical: string): string {
  let at = 0;
  while (at < line.length && line[at] === canonical[at]) at++;
  return `line is not in the canonical form the writer stores (differs at character ${
    at + 1
  }): it was edited or re-serialized`;
}
