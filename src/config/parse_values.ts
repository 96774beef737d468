import { isSafeId, parseDuration } from "../core/mod.ts";
import { normalizeHostname } from "./hostname.ts";

/**
 * The longest duration a timer can wait: setTimeout and setInterval fire after 1 ms when
 * given more than 2^31-1 ms (about 24.8 days).
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** A raw setting's text and where it came from, for error messages. */
export interface RawValue {
  text: string;
  /** `SESSION_MAX_AGE` or `--port`. */
  source: string;
}

/** Thrown by the value parsers; the loader turns it into one line and exit code 2. */
export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingError";
  }
}

/**
 * The usual error for a bad value: `invalid SOURCE "text": expected ...`. Pass `text`
 * undefined for a secret, whose value must never be printed.
 */
export function invalidSetting(
  source: string,
  text: string | undefined,
  expected: string,
): SettingError {
  const shown = text === undefined ? "" : ` "${text}"`;
  return new SettingError(`invalid ${source}${shown}: expected ${expected}`);
}

/** Parses a duration setting (`90s`, `5m`, `1h`) to milliseconds. */
export function durationValue(raw: RawValue): number {
  const ms = parseDuration(raw.text);
  if (ms === undefined || ms <= 0) {
    throw invalidSetting(raw.source, raw.text, "a duration like 90s, 5m or 1h");
  }
  if (ms > MAX_DURATION_MS) {
    throw invalidSetting(raw.source, raw.text, "a duration of at most 24d (a timer's limit)");
  }
  return ms;
}

/** Parses a non-negative integer setting within `[min, max]`. */
export function integerValue(raw: RawValue, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw.text.trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw invalidSetting(raw.source, raw.text, `an integer from ${min} to ${max}`);
  }
  return n;
}

/** Parses a port number (0 picks a free port). */
export function portValue(raw: RawValue): number {
  return integerValue(raw, 0, 65535);
}

/** Parses a byte size: `1048576`, `512KiB`, `10MB`, `1GiB`. */
export function sizeValue(raw: RawValue): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.text.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw invalidSetting(raw.source, raw.text, "a size like 1048576, 512KiB or 10MB");
  }
  return n;
}

/** Parses a whole number of seconds from a duration (`30s`, `10m`). */
export function secondsValue(raw: RawValue): number {
  const ms = durationValue(raw);
  if (ms % 1000 !== 0) {
    throw invalidSetting(raw.source, raw.text, "whole seconds, like 30s or 10m");
  }
  return ms / 1000;
}

/** Parses one of `choices`. */
export function choiceValue<T extends string>(raw: RawValue, choices: readonly T[]): T {
  const text = raw.text.trim().toLowerCase();
  const found = choices.find((c) => c === text);
  if (!found) throw invalidSetting(raw.source, raw.text, `one of ${choices.join(", ")}`);
  return found;
}

/** Parses an absolute `http(s)://` or `redis://` URL. */
export function urlValue(raw: RawValue, schemes: readonly string[]): string {
  try {
    const url = new URL(raw.text.trim());
    if (schemes.includes(url.protocol.replace(/:$/, ""))) return url.toString();
  } catch {
    // fall through to the error below
  }
  const names = schemes.length > 1
    ? `${schemes.slice(0, -1).join(", ")} or ${schemes.at(-1)}`
    : schemes.join("");
  throw invalidSetting(raw.source, shownUrl(raw.text), `an absolute ${names} URL`);
}

/**
 * A URL setting's value as an error may show it: without what may be a credential (the
 * user and password before an `@`, a query, a fragment). A malformed URL cannot be parsed to
 * find them, and a password with `#`, `/` or `@` in it is the usual way to make one.
 */
export function shownUrl(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? "";
  let rest = text.slice(scheme.length);
  const at = rest.lastIndexOf("@");
  if (at >= 0) rest = `[redacted]${rest.slice(at)}`;
  const cut = rest.search(/[?#]/);
  if (cut >= 0) rest = `${rest.slice(0, cut + 1)}[redacted]`;
  return scheme + rest;
}

/** Parses `host:port` (host may be a name, IPv4 or bracketed IPv6). */
export function addressValue(raw: RawValue): string {
  const text = raw.text.trim();
  const m = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.*_-]+):(\d{1,5})$/i.exec(text);
  if (!m || Number(m[2]) > 65535) throw invalidSetting(raw.source, raw.text, "HOST:PORT");
  return text;
}

/** The most sessions one worker may host (the registry refuses more at registration). */
export const MAX_SESSIONS_PER_WORKER = 10_000;

/** Parses a worker id: it names a directory and appears in logs and metrics. */
export function workerIdValue(raw: RawValue): string {
  if (!isSafeId(raw.text)) {
    throw invalidSetting(
      raw.source,
      raw.text,
      "1-128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit",
    );
  }
  return raw.text;
}

/** Parses free text that must not be empty (a host, a path, an id). */
export function textValue(raw: RawValue): string {
  if (raw.text.trim() === "") throw invalidSetting(raw.source, raw.text, "a non-empty value");
  return raw.text;
}

/** Parses one allow-list entry: a host name or address, optionally with `:port`. */
export function hostNameValue(raw: RawValue): string {
  const text = raw.text.trim();
  if (normalizeHostname(text) === undefined) {
    throw invalidSetting(
      raw.source,
      raw.text,
      "a host name or address, optionally with :port (no scheme, path or wildcard)",
    );
  }
  return text;
}

// An empty secret is a mistake (an unset secret interpolated), never a way to turn it off.
function refuseEmptySecret(raw: RawValue, what: string): void {
  if (raw.text !== "") return;
  throw invalidSetting(
    raw.source,
    undefined,
    `a value: it is set but empty (unset it to go without ${what})`,
  );
}

// RFC 6750 b64token (token68): what `Authorization: Bearer <token>` can carry
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Parses a bearer token; the error never shows the value, which is a secret. */
export function bearerTokenValue(raw: RawValue): string {
  refuseEmptySecret(raw, "bearer tokens on HTTP");
  if (!TOKEN68.test(raw.text)) {
    throw invalidSetting(
      raw.source,
      undefined,
      "only the characters A-Z a-z 0-9 - . _ ~ + / then = padding (RFC 6750), " +
        "no spaces or newline",
    );
  }
  return raw.text;
}

// What a gRPC metadata value can carry, without spaces: grpc-js refuses anything else on
// every call, quoting the value (the secret) in its error
const WORKER_TOKEN_CHARS = /^[\x21-\x7e]+$/;

/** Parses the worker token; the error never shows the value, which is a secret. */
export function workerTokenValue(raw: RawValue): string {
  refuseEmptySecret(raw, "the worker token");
  if (!WORKER_TOKEN_CHARS.test(raw.text)) {
    throw invalidSetting(
      raw.source,
      undefined,
      "printable ASCII characters without spaces (no trailing newline)",
    );
  }
  return raw.text;
}
