import { getLogger, keepServing, RefusalLog, settlesWithin } from "../../core/mod.ts";
import { MAX_BUFFERED_BYTES } from "./bounded_event_stream.ts";
import { BodyBudget, MAX_BODY_BYTES_TOTAL } from "./body_budget.ts";
import { EventBudget } from "./event_budget.ts";
import { createRequestGuard } from "./guards.ts";
import { MAX_IN_FLIGHT } from "./_in_flight.ts";
import { principalOf } from "./principal.ts";
import { RPC_INTERNAL_ERROR, RPC_SERVER_ERROR, rpcErrorResponse } from "./_responses.ts";
import type { RouteContext } from "./_route_context.ts";
import { SessionTable } from "./session_table.ts";
import { handleSseMessage, handleSseOpen } from "./sse_route.ts";
import { handleStreamable } from "./streamable_route.ts";
import type { HttpServerHandle, HttpServerOptions } from "./types.ts";

const log = getLogger("mcp", "http");

type Route = (req: Request, ctx: RouteContext) => Promise<Response>;
const ROUTES: ReadonlyMap<string, Route> = new Map([
  ["/mcp", handleStreamable],
  ["/sse", handleSseOpen],
  ["/messages", handleSseMessage],
]);

function baseUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Starts the MCP HTTP front on `Deno.serve`: Streamable HTTP at `/mcp`, legacy HTTP+SSE at
 * `GET /sse` + `POST /messages`. Every request other than `publicRoutes` passes the
 * `Host`/`Origin` guard and the bearer check first; bodies are bounded by
 * `maxRequestBytes`; each session belongs to the principal that opened it.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const sessions = new SessionTable({
    maxSessions: options.maxSessions ?? 1000,
    onSessionClosed: options.onSessionClosed,
  });
  const guard = createRequestGuard({
    allowedHosts: options.allowedHosts,
    boundHost: options.host,
    authToken: options.authToken,
  });
  // an operator sees token guessing and rebinding attempts, not one line per request
  const refusals = new RefusalLog();
  // With a token every accepted caller is the same principal: work it out once.
  const bearerPrincipal = options.authToken === undefined
    ? undefined
    : await principalOf(options.authToken, "");
  const keepAliveMs = options.keepAliveMs ?? 25_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const eventBudget = new EventBudget(options.maxBufferedBytesTotal);
  const maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
  let closing: Promise<void> | undefined;
  // ends the wait for bodies still arriving: shutdown must not wait on a stalled client
  const shutdown = new AbortController();
  // at least two bodies of the largest size fit at once, whatever the configuration
  const bodyBytes = options.maxBodyBytesTotal ??
    Math.max(MAX_BODY_BYTES_TOTAL, 2 * options.maxRequestBytes);
  const bodyRead = {
    timeoutMs: options.bodyTimeoutMs ?? 60_000,
    signal: shutdown.signal,
    budget: new BodyBudget(bodyBytes),
  };

  async function route(req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) {
    const publicResponse = await options.publicRoutes?.(req);
    if (publicResponse !== undefined) return publicResponse;
    // `port` is set once the server listens, before any request arrives
    const refused = guard(req, port);
    if (refused !== undefined) {
      const peer = info.remoteAddr.hostname;
      const count = refusals.count(peer);
      if (count !== undefined) {
        log.warn("Refused an HTTP request from {peer} with {status} ({count} so far)", {
          peer,
          status: refused.status === 401 ? "401 (bearer token)" : "403 (Host or Origin)",
          count,
        });
      }
      return refused;
    }
    const handler = ROUTES.get(new URL(req.url).pathname);
    if (handler === undefined) return rpcErrorResponse(404, RPC_SERVER_ERROR, "Not found");
    // No new session (or stream) may start while close() drains the listener.
    if (closing !== undefined) {
      return rpcErrorResponse(503, RPC_SERVER_ERROR, "Server is shutting down");
    }
    const principal = bearerPrincipal ?? await principalOf(undefined, info.remoteAddr.hostname);
    return await handler(req, {
      sessions,
      principal,
      maxRequestBytes: options.maxRequestBytes,
      bodyRead,
      keepAliveMs,
      maxBufferedBytes,
      eventBudget,
      maxInFlight,
      createServer: options.createServer,
      completed: info.completed,
    });
  }

  async function handle(req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) {
    try {
      return await route(req, info);
    } catch (err) {
      // the path only: an SSE post's query is its session's key
      log.error("HTTP request {method} {path} failed: {error}", {
        method: req.method,
        path: new URL(req.url).pathname,
        error: err,
      });
      return rpcErrorResponse(500, RPC_INTERNAL_ERROR, "Internal error");
    }
  }

  // a client that takes every open file stops the listener for a while, not the process
  const server = keepServing(
    { hostname: options.host, port: options.port, name: "MCP HTTP" },
    handle,
  );
  const port = server.addr.port;
  async function close(): Promise<void> {
    shutdown.abort();
    await sessions.closeAll();
    // A client that never finishes sending its request keeps its connection, and so the
    // server's shutdown, open for as long as it likes (even once answered): past the grace
    // the process stops without it.
    const grace = options.shutdownGraceMs ?? 5_000;
    if (!(await settlesWithin(server.shutdown(), grace))) {
      log.warn("Stopped waiting for HTTP connections after {ms} ms: a client is still sending", {
        ms: grace,
      });
    }
    // A session opened by a request already past the check above when closing began.
    await sessions.closeAll();
  }
  return {
    url: baseUrl(options.host, port),
    port,
    sessionCount: () => sessions.size,
    closeSession: (id, options) => sessions.close(id, options),
    drain: () => sessions.drain(),
    close: () => closing ??= close(),
    finished: server.finished,
    [Symbol.asyncDispose]: () => closing ??= close(),
  };
}
