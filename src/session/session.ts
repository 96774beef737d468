/** One client session: who it belongs to, where its work runs, and when it was last used. */
export interface Session {
  /** Our id; also names the workspace directory on the worker. */
  id: string;
  /** Who created it (bearer fingerprint or peer), checked on every use. */
  principal: string;
  /** The transport-level session it serves (MCP session id, or the stdio connection). */
  connectionId: string;
  /** The worker holding its workspace; unset until first assigned. */
  workerId?: string;
  /** Set when the session was moved off a worker that went away (its files were there). */
  rehomedFrom?: string;
  createdAt: number;
  lastActivityAt: number;
}

/** Why a connection's previous session ended without it: told to the connection once. */
export interface ReplacedSession {
  id: string;
  reason: "expired" | "lost";
}
