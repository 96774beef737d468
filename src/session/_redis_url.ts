import { CodegenError } from "../core/mod.ts";

/** What a Redis URL may show in messages, and what must be cut out of them. */
export interface RedisUrlParts {
  /** The URL without its passwords, e.g. `redis://127.0.0.1:6379/0`. */
  where: string;
  /** Each password as written and decoded; empty when there is none. */
  secrets: string[];
  /** The database number the URL's path names (`/3`); 0 without one. */
  db: number;
}

// The Redis client takes query parameters as options, `password` and `sentinelPassword`
// among them: such a parameter's value is as secret as the password in the user part.
const SECRET_PARAM = /pass|secret|token|auth|key/i;

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
  // each as written and as the client decodes it (in a query, `+` is a space)
  const found = [parsed.password, safeDecode(parsed.password)];
  if (parsed.search !== "") {
    const params = parsed.search.slice(1).split("&").map((param) => {
      const eq = param.indexOf("=");
      if (eq < 0 || !SECRET_PARAM.test(safeDecode(param.slice(0, eq)))) return param;
      const value = param.slice(eq + 1);
      found.push(value, safeDecode(value), safeDecode(value.replaceAll("+", " ")));
      return `${param.slice(0, eq)}=***`;
    });
    parsed.search = `?${params.join("&")}`;
  }
  const secrets = [...new Set(found)].filter((s) => s !== "");
  const path = parsed.pathname.replace(/^\//, "");
  if (path !== "" && !/^\d{1,9}$/.test(path)) {
    throw new CodegenError(
      "CONFIG_INVALID",
      `Redis URL path must be a database number (like /0), not "/${path}"`,
    );
  }
  parsed.password = "";
  return { where: parsed.href.replace(/\/$/, ""), secrets, db: Number(path) };
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
