import type { SessionTable } from "./session_table.ts";
import type { ConnectionInfo } from "./types.ts";
import type { McpServer } from "../sdk.ts";
import type { ReadJsonBodyOptions } from "./body.ts";
import type { EventBudget } from "./event_budget.ts";

/** What a route handler needs from the server that dispatched to it. */
export interface RouteContext {
  sessions: SessionTable;
  /** The caller's principal, already worked out by the server. */
  principal: string;
  maxRequestBytes: number;
  /** How a POST body is read: its time bound, and the shutdown that stops the wait. */
  bodyRead: ReadJsonBodyOptions;
  keepAliveMs: number;
  /** Most bytes of events one stream holds for a client that does not read it. */
  maxBufferedBytes: number;
  /** What every event stream of the server holds, together. */
  eventBudget: EventBudget;
  /** Most requests one session has running at once. */
  maxInFlight: number;
  createServer: (info: ConnectionInfo) => McpServer;
  /** Settles when the response has been sent or the client went away. */
  completed: Promise<void>;
}
