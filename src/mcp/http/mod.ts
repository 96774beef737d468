/**
 * The MCP front over HTTP: Streamable HTTP at `/mcp` and legacy HTTP+SSE at `GET /sse` +
 * `POST /messages`, on `Deno.serve`. Every non-public request passes the DNS-rebinding
 * guard and the bearer check first; each MCP session gets its own server from
 * `createServer` and stays bound to the principal that opened it.
 *
 * ```ts ignore
 * const http = await startHttpServer({
 *   host: "127.0.0.1",
 *   port: 8080,
 *   allowedHosts: [],
 *   maxRequestBytes: 16 * 1024 * 1024,
 *   createServer: (info) => createMcpServer(deps, info),
 * });
 * await http.close();
 * ```
 * @module
 */
export { startHttpServer } from "./http_server.ts";
export type {
  ConnectionInfo,
  HttpServerHandle,
  HttpServerOptions,
  HttpTransportKind,
} from "./types.ts";
export { principalOf } from "./principal.ts";
export {
  allowedHostnames,
  createRequestGuard,
  LOOPBACK_HOSTNAMES,
  normalizeHostname,
  type RequestGuardOptions,
} from "./guards.ts";
export { type JsonBodyResult, readJsonBody } from "./body.ts";
export {
  type DeliverResult,
  type IntervalTimers,
  SseServerTransport,
  type SseServerTransportOptions,
} from "./sse_server_transport.ts";
