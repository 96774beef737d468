import { CodegenError } from "../core/mod.ts";

/** What a Redis URL may show in messages, and what must be cut out of them. */
export interface RedisUrlParts {
  /** The URL without its password, e.g. `redis://127.0.0.1:6379/0`. */
  where: string;
  /** The password as written and decoded; empty when there is none. */
  secrets: string[];
}

/** Checks a `redis://` or `rediss://` URL; the error never repeats the URL (it may hold a password). */
export function parseRedisUrl(url: string): RedisUrlParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CodegenError("CONFIG_INVALID", "Redis URL is not a valid URL");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new CodegenError(
      "CONFIG_INVALID",
      `Redis URL must start with redis:// or rediss://, not "${parsed.protocol}//"`,
    );
  }
  const secrets = [...new Set([parsed.password, safeDecode(parsed.password)])].filter((s) =>
    s !== ""
  );
  parsed.password = "";
  return { where: parsed.href.replace(/\/$/, ""), secrets };
}

/** `text` with every secret replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) redacted = redacted.replaceAll(secret, "***");
  return redacted;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
