import { createHash } from "node:crypto";

/** Stored in place of a bulky or sensitive value: what it was, not what it said. */
export interface ValueDigest {
  bytes: number;
  sha256: string;
}

/** Keys whose values are paths or small options, safe and useful to read in clear. */
const CLEAR_KEYS = new Set([
  "path",
  "file",
  "encoding",
  "offset",
  "length",
  "recursive",
  "pattern",
  "timeout_seconds",
  "stateful",
  "async",
  "upgrade",
  "no_deps",
  "packages",
  "task_id",
  "create_dirs",
  "append",
]);
/** Keys that carry code, file contents or free text: only their digest is kept. */
const DIGEST_KEYS = new Set(["code", "contents", "stdin", "message"]);
const SECRET_NAME = /token|secret|passw(or)?d|key|auth|credential/i;
/** Longer than any real path (Linux PATH_MAX), so a clear value never bloats a record. */
const CLEAR_LIMIT = 4096;
/** Strings of unknown meaning longer than this are digested. */
const UNKNOWN_LIMIT = 256;
/** Nesting deeper than this is digested whole rather than walked. */
const MAX_DEPTH = 8;
const REDACTED = "[redacted]";
const encoder = new TextEncoder();

/**
 * Turns tool arguments into what the audit log may hold: paths and small options in
 * clear; code, contents, stdin and messages as `{sha256, bytes}`; `env` as its variable
 * names only; `index_url` without user:password; keys named like secrets redacted.
 * `args` are kept (long ones digested), so a secret passed as a plain argument is not
 * recognised. `tool` names the call; the rules are the same for every tool today.
 * Keys come out sorted, as the record is hashed in that order (see canonical_json.ts).
 */
export function digestArguments(
  tool: string,
  args: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(args).sort()) {
    const value = args[key];
    if (value === undefined) continue;
    out[key] = digestField(tool, key, value);
  }
  return out;
}

function digestField(_tool: string, key: string, value: unknown): unknown {
  if (CLEAR_KEYS.has(key)) return bounded(value, CLEAR_LIMIT, 0);
  if (DIGEST_KEYS.has(key)) return digestValue(value);
  if (key === "env") return envNames(value);
  if (key === "args" && Array.isArray(value)) return bounded(value, UNKNOWN_LIMIT, 0);
  if (key === "index_url") return typeof value === "string" ? withoutUserinfo(value) : REDACTED;
  if (SECRET_NAME.test(key)) return REDACTED;
  return bounded(value, UNKNOWN_LIMIT, 0);
}

/** SHA-256 and UTF-8 length of a value (strings as text, anything else as JSON). */
export function digestValue(value: unknown): ValueDigest {
  const bytes = value instanceof Uint8Array
    ? value
    : encoder.encode(typeof value === "string" ? value : JSON.stringify(value) ?? "");
  return { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

// Keeps scalars, digests long strings, and walks nested data applying the unknown-key
// rules, so a secret nested under e.g. `headers.Authorization` is still redacted.
function bounded(value: unknown, limit: number, depth: number): unknown {
  if (typeof value === "string") {
    // at most 3 UTF-8 bytes per UTF-16 unit: a short string needs no encoding to measure
    if (value.length * 3 <= limit) return value;
    return encoder.encode(value).length > limit ? digestValue(value) : value;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return digestValue(value);
  if (Array.isArray(value)) return value.map((item) => bounded(item, limit, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    out[key] = SECRET_NAME.test(key) ? REDACTED : bounded(item, limit, depth + 1);
  }
  return out;
}

function envNames(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return REDACTED;
  return Object.keys(value).sort();
}

function withoutUserinfo(url: string): string {
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    if (parsed.host !== "") {
      parsed.username = "";
      parsed.password = "";
      return parsed.href;
    }
  }
  // Not a URL with a host: still drop anything that looks like `user:pass@`.
  return url.replace(/^([^/]*\/\/)?[^/@]*@/, "$1");
}
