import type { SessionTable } from "./session_table.ts";
import type { ConnectionInfo } from "./types.ts";
import type { McpServer } from "../sdk.ts";

/** What a route handler needs from the server that dispatched to it. */
export interface RouteContext {
  sessions: SessionTable;
  /** The caller's principal, already worked out by the server. */
  principal: string;
  maxRequestBytes: number;
  keepAliveMs: number;
  createServer: (info: ConnectionInfo) => McpServer;
  /** Settles when the response has been sent or the client went away. */
  completed: Promise<void>;
}
