/**
 * Host names as the HTTP guard compares them. In config (which mcp imports) so the loader
 * can refuse an allow-list entry the guard would never match.
 * @module
 */
import { CodegenError } from "../core/mod.ts";

const HOST_CHARS = /^[A-Za-z0-9.\-:[\]]+$/;

/**
 * The lower-case host name of a `Host` header value or an allow-list entry (port dropped,
 * IPv6 in brackets), or undefined when it is not a plain host name.
 */
export function normalizeHostname(value: string): string | undefined {
  let host = value.trim();
  if (!HOST_CHARS.test(host)) return undefined;
  // A bare IPv6 address in an allow-list entry: bracket it so it parses as a host.
  if (!host.startsWith("[") && host.split(":").length > 2) host = `[${host}]`;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

/** Whether binding `host` keeps a listener on this machine (localhost, 127/8, ::1). */
export function isLoopbackHost(host: string): boolean {
  const name = normalizeHostname(host);
  if (name === undefined) return false;
  // 127/8 also written as an IPv4-mapped IPv6 address, which URL parsing turns into hex
  return name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name) ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name);
}

/** `host` without the brackets an IPv6 address wears in `host:port` ("[::1]" → "::1"). */
export function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1");
}

/** Splits `host:port` (or `[v6]:port`); the port may be 0, an empty host is every interface. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new CodegenError("CONFIG_INVALID", `Bad address "${text}": expected host:port`);
  }
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

/** `host:port` with IPv6 hosts in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
