/**
 * The host a request was sent to, as the DNS-rebinding guard checks it. HTTP/1.1 names it
 * in `Host`; HTTP/2 (h2c, which `Deno.serve` takes too) in `:authority`, which `Deno.serve`
 * puts in the request's URL, with no `Host` header. A request that names no host at all
 * (HTTP/1.x without `Host`) gets a URL host `Deno.serve` makes up from the listener
 * (`localhost:PORT`, or the bound address): that is no host, and is refused as before.
 * @module
 */
import { isLoopbackHost, normalizeHostname } from "../../config/mod.ts";

/** The listener a request arrived on: its bound address and its port. */
export interface Listener {
  boundHost: string;
  port: number;
}

// addresses `Deno.serve` names "localhost" in a made-up URL, as it does loopback ones
const UNSPECIFIED = new Set(["", "0.0.0.0", "[::]"]);

/**
 * The URL host (`URL.host`) `Deno.serve` gives a request on `listener` that names no host:
 * `localhost` for a loopback or unspecified address, else the address; the port unless 80.
 */
export function madeUpHost(listener: Listener): string {
  const name = normalizeHostname(listener.boundHost) ?? listener.boundHost;
  const local = UNSPECIFIED.has(name) || isLoopbackHost(name);
  const host = local ? "localhost" : name;
  return listener.port === 80 ? host : `${host}:${listener.port}`;
}

/**
 * The `Host` header of `req`, or else the host of its URL when the client named one there
 * (HTTP/2's `:authority`); undefined when it named none. An HTTP/2 client whose
 * `:authority` is exactly {@link madeUpHost} cannot be told apart from one that named none,
 * and is refused with it: it can send a `Host` header, or name 127.0.0.1.
 */
export function requestHost(req: Request, listener: Listener): string | undefined {
  const header = req.headers.get("host");
  if (header !== null) return header;
  let host: string;
  try {
    host = new URL(req.url).host;
  } catch {
    return undefined;
  }
  return host === "" || host === madeUpHost(listener) ? undefined : host;
}
