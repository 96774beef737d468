/**
 * Host names as the HTTP guard compares them. In config (which mcp imports) so the loader
 * can refuse an allow-list entry the guard would never match.
 * @module
 */

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
  return name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** `host` without the brackets an IPv6 address wears in `host:port` ("[::1]" → "::1"). */
export function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1");
}

/** The host of a `host:port` listen address, without brackets ("" → all interfaces). */
export function listenHost(address: string): string {
  return bareHost(address.replace(/:\d+$/, "")) || "0.0.0.0";
}
