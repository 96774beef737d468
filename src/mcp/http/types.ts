import type { McpServer } from "../sdk.ts";

/** Which HTTP transport a session speaks. */
export type HttpTransportKind = "streamable-http" | "sse";

/** What the server factory learns about the connection it serves. */
export interface ConnectionInfo {
  /** The MCP session id the client sends back (`Mcp-Session-Id` or `?sessionId=`). */
  sessionId: string;
  /** Who created the session; see `principalOf`. */
  principal: string;
  transport: HttpTransportKind;
}

/** Options of `startHttpServer`. */
export interface HttpServerOptions {
  /** Address to bind; loopback unless deliberately exposed. */
  host: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** When set, every non-public request needs `Authorization: Bearer <authToken>`. */
  authToken?: string | undefined;
  /** Host names accepted in `Host` / `Origin` besides the loopback names. */
  allowedHosts: readonly string[];
  /** Largest request body; more is refused with 413. */
  maxRequestBytes: number;
  /**
   * Most bytes of request bodies read at once, over all requests; a body that does not fit
   * gets 503 with `Retry-After: 1`. Default 256 MiB, and at least twice `maxRequestBytes`.
   */
  maxBodyBytesTotal?: number;
  /** Builds one MCP server per session; called once per new session. */
  createServer: (info: ConnectionInfo) => McpServer;
  /**
   * Told once when a session ends, however it ends; what it returns settles once the
   * session's workspace and worker slot are freed (a DELETE waits for it, bounded).
   */
  onSessionClosed?: (sessionId: string) => void | Promise<void>;
  /** Consulted before any guard (health, readiness, metrics); undefined falls through. */
  publicRoutes?: (req: Request) => Response | Promise<Response> | undefined;
  /** Most concurrent sessions; a new one beyond this gets 503. Default 1000. */
  maxSessions?: number;
  /**
   * Longest wait for a POST body, from its headers to its last byte; past it the request is
   * answered 408 and its connection freed. Default 60 000.
   */
  bodyTimeoutMs?: number;
  /**
   * How long close() waits for open HTTP connections once every session is closed and
   * every body read stopped; a client still sending its request is then left behind.
   * Default 5 000.
   */
  shutdownGraceMs?: number;
  /** Milliseconds between SSE keep-alive comments on both transports. Default 25 000. */
  keepAliveMs?: number;
  /**
   * Most bytes of events one event stream holds for a client that does not read it, on both
   * transports; past it the stream ends (a legacy SSE session closes, a Streamable HTTP
   * POST's requests are cancelled). Default 64 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Most bytes of events all event streams together hold for clients that do not read
   * them; past it the stream holding the most ends, as past `maxBufferedBytes`. Default
   * 1 GiB.
   */
  maxBufferedBytesTotal?: number;
  /**
   * Most requests one session has running at once, on both transports, from when its POST
   * is accepted until it is answered or cancelled (or its stream ends); a POST whose
   * requests do not all fit gets 429 with `Retry-After: 1`. Default 256, as on stdio.
   */
  maxInFlight?: number;
}

/** A running HTTP front. */
export interface HttpServerHandle extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  /** Sessions currently open, both transports. */
  sessionCount(): number;
  /**
   * Ends one session (idle expiry); unknown ids are ignored. With a `reason`, the id's next
   * requests get 404 saying it (for the latest 10 000 sessions ended so).
   */
  closeSession(id: string, options?: { reason?: string }): Promise<void>;
  /**
   * Takes no new session from now on (503 saying the server is stopping); open sessions'
   * requests are still served, so the calls running can finish.
   */
  drain(): void;
  /** Ends every session and stops listening (see `shutdownGraceMs`). */
  close(): Promise<void>;
  /** Settles once the listener and its every connection have ended. */
  finished: Promise<void>;
}
