import { normalizeHostname } from "../../config/mod.ts";
import { constantTimeEqual } from "../../core/mod.ts";
import { RPC_SERVER_ERROR, rpcErrorResponse } from "./_responses.ts";
import { requestHost } from "./_request_host.ts";

// the loader validates allow-list entries with the same function
export { normalizeHostname };

/** Host names every HTTP front accepts: a browser page cannot rebind DNS to these. */
export const LOOPBACK_HOSTNAMES: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

// Addresses that mean "every interface": no client names them in a Host header.
const UNSPECIFIED = new Set(["0.0.0.0", "[::]"]);

/** Options of {@link createRequestGuard}. */
export interface RequestGuardOptions {
  /** Extra host names (optionally with a port, which is ignored) to accept. */
  allowedHosts: readonly string[];
  /** The address the listener binds; a non-loopback one is accepted as a host name too. */
  boundHost: string;
  /** When set, every request needs `Authorization: Bearer <authToken>`. */
  authToken?: string | undefined;
}

/** The set of host names the guard accepts for the given options. */
export function allowedHostnames(allowedHosts: readonly string[], boundHost: string): Set<string> {
  const names = new Set(LOOPBACK_HOSTNAMES);
  for (const entry of [...allowedHosts, boundHost]) {
    const name = normalizeHostname(entry);
    if (name !== undefined && !UNSPECIFIED.has(name)) names.add(name);
  }
  return names;
}

function forbidden(message: string): Response {
  return rpcErrorResponse(403, RPC_SERVER_ERROR, message);
}

function originHostname(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

// what a refused name needs: the DNS-rebinding guard accepts loopback names and the list
const ALLOW_HINT = "use a loopback name, or start the server with --allowed-host NAME " +
  "(MCP_ALLOWED_HOSTS)";

const BEARER_HINT = "send Authorization: Bearer <the server's MCP_AUTH_TOKEN>";

function unauthorized(message: string, challenge: string): Response {
  return rpcErrorResponse(401, RPC_SERVER_ERROR, message, { "www-authenticate": challenge });
}

function checkBearer(req: Request, token: string): Response | undefined {
  const header = req.headers.get("authorization");
  if (header === null) {
    const detail = `Missing bearer token: ${BEARER_HINT}`;
    return unauthorized(detail, "Bearer");
  }
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (match === null || !constantTimeEqual(match[1] ?? "", token)) {
    const detail = `Invalid bearer token: ${BEARER_HINT}`;
    return unauthorized(detail, 'Bearer error="invalid_token"');
  }
  return undefined;
}

/**
 * Builds the check every non-public request passes first: the DNS-rebinding guard on
 * `Host` (over HTTP/2, `:authority`) and `Origin` (403), then the bearer token when one is
 * configured (401). The guard takes the request and the port it arrived on, and returns
 * the error response, or undefined when the request may proceed.
 */
export function createRequestGuard(
  options: RequestGuardOptions,
): (req: Request, port: number) => Response | undefined {
  const names = allowedHostnames(options.allowedHosts, options.boundHost);
  const token = options.authToken;
  const boundHost = options.boundHost;
  return function guard(req: Request, port: number): Response | undefined {
    const host = requestHost(req, { boundHost, port });
    const hostname = host === undefined ? undefined : normalizeHostname(host);
    if (hostname === undefined || !names.has(hostname)) {
      return forbidden(`Host "${host ?? ""}" is not allowed: ${ALLOW_HINT}`);
    }
    const origin = req.headers.get("origin");
    if (origin !== null) {
      const originName = originHostname(origin);
      if (originName === undefined || !names.has(originName)) {
        return forbidden(`Origin "${origin}" is not allowed: ${ALLOW_HINT}`);
      }
    }
    return token === undefined ? undefined : checkBearer(req, token);
  };
}
