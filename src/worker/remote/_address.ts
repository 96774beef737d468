import { CodegenError } from "../../core/mod.ts";

/** Splits `host:port` (or `[v6]:port`); the port may be 0. */
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

/** Wildcard listen addresses cannot be dialled; advertise the host name instead. */
export function advertisedHost(listenHost: string): string {
  if (listenHost !== "0.0.0.0" && listenHost !== "::") return listenHost;
  try {
    return Deno.hostname();
  } catch {
    return "127.0.0.1";
  }
}
