import { createHash } from "node:crypto";
import { utf8Length } from "../core/mod.ts";
import { redactArgs, REDACTED, redactText, redactUrl, SECRET_NAME } from "./redact.ts";

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
  "after",
  "timeout_seconds",
  "stateful",
  "async",
  "upgrade",
  "no_deps",
  "task_id",
  "create_dirs",
  "append",
]);
/** Keys that carry code, file contents or free text: only their digest is kept. */
const DIGEST_KEYS = new Set(["code", "contents", "stdin", "message"]);
/** Longer than any real path (Linux PATH_MAX), so a clear value never bloats a record. */
const CLEAR_LIMIT = 4096;
/** Strings of unknown meaning longer than this are digested. */
const UNKNOWN_LIMIT = 256;
/** Nesting deeper than this is digested whole rather than walked. */
const MAX_DEPTH = 8;
/**
 * An object with more keys, or a list with more items, than this is digested whole, as
 * code and contents are, rather than walked: walking, redacting, sorting and measuring a
 * million small entries one by one took seconds of the serving thread (every call waited).
 */
const MAX_WIDTH = 1024;
/**
 * A field whose digested form is larger than this is stored as that form's digest, and
 * digested arguments larger than {@link ARGUMENTS_LIMIT} as one digest: many keys or
 * items can add up past what one record holds (MAX_RECORD_BYTES, 1 MiB).
 */
const FIELD_LIMIT = 64 * 1024;
const ARGUMENTS_LIMIT = 256 * 1024;
/** Room a bounded key takes in a field's JSON (the key, its quotes and separators). */
const KEY_ROOM = 2048;
/** The one key of arguments too large to store even digested field by field. */
const TOO_LARGE_KEY = "[digest]";
const encoder = new TextEncoder();

/**
 * Turns tool arguments into what the audit log may hold: paths and small options in
 * clear; code, contents, stdin and messages as `{sha256, bytes}`; `env` as its variable
 * names only; `index_url` without user:password and query or fragment values; keys named
 * like secrets redacted. `args` (long ones digested) and `packages` are kept but for the
 * values of options named like secrets and the credentials in URLs (see redact.ts), so a
 * secret passed as a plain positional argument is not recognised. Keys (and env names)
 * over 256 bytes are digested too, and so is a field or the whole that is still too large
 * (see {@link FIELD_LIMIT}), so no argument makes a record too large to store. `tool` names the call; the rules are the same for every
 * tool today. Keys come out sorted, as the record is hashed in that order (see
 * canonical_json.ts).
 */
export function digestArguments(
  tool: string,
  args: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(args);
  if (keys.length > MAX_WIDTH) return { [TOO_LARGE_KEY]: digestValue(args) };
  for (const key of keys) {
    const value = args[key];
    if (value === undefined) continue;
    // a digest ({sha256, bytes}) is always far under the field limit: no measuring
    out[boundedKey(key)] = DIGEST_KEYS.has(key)
      ? digestValue(value)
      : withinLimit(digestField(tool, key, value), FIELD_LIMIT);
  }
  const sorted = sortedKeys(out);
  // each field is within FIELD_LIMIT now (its key within a few hundred bytes): a few fields
  // cannot add up to more than the whole may hold, so they need no measuring
  const fields = Object.keys(sorted).length;
  if (fields * (FIELD_LIMIT + KEY_ROOM) <= ARGUMENTS_LIMIT) return sorted;
  return sizeOf(sorted) > ARGUMENTS_LIMIT ? { [TOO_LARGE_KEY]: digestValue(sorted) } : sorted;
}

function digestField(_tool: string, key: string, value: unknown): unknown {
  if (CLEAR_KEYS.has(key)) return bounded(value, CLEAR_LIMIT, 0);
  if (DIGEST_KEYS.has(key)) return digestValue(value);
  if (key === "env") return envNames(value);
  // packages: names in clear, but a refused entry may be a URL with credentials or an index
  // option; a refused call may send either as a lone string or an object: one entry
  if (key === "args" || key === "packages") {
    if (Array.isArray(value) && value.length > MAX_WIDTH) return digestValue(value);
    const entries = Array.isArray(value) ? redactArgs(value) : redactArgs([value])[0];
    return bounded(entries, key === "args" ? UNKNOWN_LIMIT : CLEAR_LIMIT, 0);
  }
  if (key === "index_url") return typeof value === "string" ? redactUrl(value) : REDACTED;
  if (SECRET_NAME.test(key)) return REDACTED;
  return bounded(value, UNKNOWN_LIMIT, 0, true);
}

/** SHA-256 and UTF-8 length of a value (strings as text, anything else as JSON). */
export function digestValue(value: unknown): ValueDigest {
  const bytes = value instanceof Uint8Array
    ? value
    : encoder.encode(typeof value === "string" ? value : JSON.stringify(value) ?? "");
  return { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

// Keeps scalars, digests long strings, and walks nested data applying the unknown-key
// rules, so a secret nested under e.g. `headers.Authorization` is still redacted. With
// `redact`, a string is redacted as an argument would be (redactText): a URL (a DSN, a
// mirror) loses its credentials, a secret option, header line or Bearer credential its value.
function bounded(value: unknown, limit: number, depth: number, redact = false): unknown {
  if (typeof value === "string") {
    if (longerThan(value, limit)) return digestValue(value);
    return redact ? redactText(value) : value;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return digestValue(value);
  if (Array.isArray(value)) {
    if (value.length > MAX_WIDTH) return digestValue(value);
    return value.map((item) => bounded(item, limit, depth + 1, redact));
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_WIDTH) return digestValue(value);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    out[boundedKey(key)] = SECRET_NAME.test(key)
      ? REDACTED
      : bounded(item, limit, depth + 1, redact);
  }
  return sortedKeys(out);
}

// Variable names only, sorted; a name too long to be real is kept as its digest.
function envNames(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return REDACTED;
  const all = Object.keys(value);
  if (all.length > MAX_WIDTH) return digestValue(all); // names only, in the order sent
  const names = all.sort();
  return names.map((name) => longerThan(name, UNKNOWN_LIMIT) ? digestValue(name) : name);
}

// A key is never a path: one over the unknown-string limit is replaced by a short stand-in
// naming its digest (a key must stay a string), so it cannot bloat the record.
function boundedKey(key: string): string {
  if (!longerThan(key, UNKNOWN_LIMIT)) return key;
  const { sha256, bytes } = digestValue(key);
  return `[key sha256=${sha256} bytes=${bytes}]`;
}

// Keys in sorted order, so canonicalJson writes the record with one JSON.stringify; a
// digested key may sort elsewhere than the key it stands for.
function sortedKeys(record: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(record);
  if (keys.every((key, i) => i === 0 || keys[i - 1]! <= key)) return record;
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) out[key] = record[key];
  return out;
}

// Digests the field as it would be stored, not as it came: a redacted or dropped value
// (a secret, an env value) must not enter a hash either.
function withinLimit(value: unknown, limit: number): unknown {
  // a scalar, or a string whose JSON (at most 6 bytes a unit, escaped) fits, needs no
  // measuring: this runs for every argument of every call
  if (value === null || typeof value !== "object") {
    if (typeof value !== "string" || value.length * 6 + 2 <= limit) return value;
  }
  return sizeOf(value) > limit ? digestValue(value) : value;
}

// UTF-8 length of the JSON form, encoding only text that might be over the limits
function sizeOf(value: unknown): number {
  const text = JSON.stringify(value) ?? "";
  return text.length * 3 <= FIELD_LIMIT ? text.length : utf8Length(text);
}

// at most 3 UTF-8 bytes per UTF-16 unit: a short string needs no encoding to measure
function longerThan(text: string, limit: number): boolean {
  return text.length * 3 > limit && utf8Length(text) > limit;
}

/**
 * What a call carries in (`bytes_in`, docs/audit.md): the byte sizes the digest recorded for
 * the arguments it digests whole (code, contents, stdin, message).
 */
export function carriedBytes(digested: Record<string, unknown>): number {
  let total = 0;
  for (const key of DIGEST_KEYS) {
    const bytes = (digested[key] as { bytes?: unknown } | undefined)?.bytes;
    if (typeof bytes === "number") total += bytes;
  }
  return total;
}
