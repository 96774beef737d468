import type { Session } from "./session.ts";

/** The hash fields of one stored session; optional fields are left out, never "undefined". */
export function encodeSession(session: Session): Record<string, string> {
  const fields: Record<string, string> = {
    id: session.id,
    principal: session.principal,
    connectionId: session.connectionId,
    createdAt: String(session.createdAt),
    lastActivityAt: String(session.lastActivityAt),
  };
  if (session.workerId !== undefined) fields.workerId = session.workerId;
  if (session.rehomedFrom !== undefined) fields.rehomedFrom = session.rehomedFrom;
  return fields;
}

/** A stored record read back: the session, or why it cannot be trusted. */
export type DecodedSession = { ok: true; session: Session } | { ok: false; reason: string };

const NUMBER_RE = /^-?\d+(?:\.\d+)?$/;

/** Validates the hash read for `id` (never empty: an absent key is handled by the caller). */
export function decodeSession(id: string, fields: Record<string, string>): DecodedSession {
  const { principal, connectionId, workerId, rehomedFrom } = fields;
  if (fields.id !== id) return { ok: false, reason: `field "id" is not "${id}"` };
  if (principal === undefined) return { ok: false, reason: `field "principal" is missing` };
  if (connectionId === undefined) return { ok: false, reason: `field "connectionId" is missing` };
  const createdAt = timestamp(fields.createdAt);
  if (createdAt === undefined) return { ok: false, reason: `field "createdAt" is not a number` };
  const lastActivityAt = timestamp(fields.lastActivityAt);
  if (lastActivityAt === undefined) {
    return { ok: false, reason: `field "lastActivityAt" is not a number` };
  }
  const session: Session = { id, principal, connectionId, createdAt, lastActivityAt };
  if (workerId !== undefined) session.workerId = workerId;
  if (rehomedFrom !== undefined) session.rehomedFrom = rehomedFrom;
  return { ok: true, session };
}

function timestamp(text: string | undefined): number | undefined {
  if (text === undefined || !NUMBER_RE.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
