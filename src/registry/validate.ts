import { MAX_SESSIONS_PER_WORKER } from "../config/mod.ts";
import { boundedQuote as quote, isSafeId } from "../core/mod.ts";
import type { RegisterRequest } from "./types.ts";

/** The most sessions one worker may declare (the worker's own loader refuses more too). */
export { MAX_SESSIONS_PER_WORKER };
/** Longest `host:port` address accepted. */
export const MAX_ADDRESS_LENGTH = 256;
/** Most tools or languages a worker may list, and the longest name of each. */
export const MAX_CAPABILITY_ENTRIES = 64;
const MAX_NAME_LENGTH = 64;

/** A registration's checked form, or why it was refused. */
export type RegistrationCheck = { ok: true; value: RegisterRequest } | {
  ok: false;
  reason: string;
};

/**
 * Checks a registration before it touches the registry and returns a normalized copy
 * (capability lists de-duplicated), so nothing the worker sent is shared with it.
 */
export function validateRegistration(req: RegisterRequest): RegistrationCheck {
  const problem = findProblem(req);
  if (problem !== undefined) return { ok: false, reason: problem };
  return {
    ok: true,
    value: {
      workerId: req.workerId,
      tokenFingerprint: req.tokenFingerprint,
      address: req.address,
      version: req.version,
      capabilities: {
        tools: [...new Set(req.capabilities.tools)],
        languages: [...new Set(req.capabilities.languages)],
        maxSessions: req.capabilities.maxSessions,
      },
    },
  };
}

function findProblem(req: RegisterRequest): string | undefined {
  if (!isSafeId(req.workerId)) {
    return `Invalid worker id ${quote(req.workerId)}: expected 1-128 characters of [A-Za-z0-9._-]`;
  }
  if (req.tokenFingerprint.length === 0) return "Missing token fingerprint";
  if (req.address.length === 0) return "Missing worker address";
  if (req.address.length > MAX_ADDRESS_LENGTH || /\s/.test(req.address)) {
    return `Invalid worker address ${quote(req.address)}: expected host:port`;
  }
  const max = req.capabilities.maxSessions;
  if (!Number.isInteger(max) || max < 1 || max > MAX_SESSIONS_PER_WORKER) {
    return `Invalid maxSessions ${max}: expected an integer from 1 to ${MAX_SESSIONS_PER_WORKER}`;
  }
  if (req.version.length > MAX_NAME_LENGTH) {
    return `Invalid version ${quote(req.version)}: longer than ${MAX_NAME_LENGTH} characters`;
  }
  return listProblem("tools", req.capabilities.tools) ??
    listProblem("languages", req.capabilities.languages);
}

function listProblem(what: string, names: string[]): string | undefined {
  if (names.length > MAX_CAPABILITY_ENTRIES) {
    return `Too many ${what}: ${names.length} (at most ${MAX_CAPABILITY_ENTRIES})`;
  }
  const bad = names.find((name) => name.length === 0 || name.length > MAX_NAME_LENGTH);
  return bad === undefined ? undefined : `Invalid entry in ${what}: ${quote(bad)}`;
}
