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
  /**
   * Only on the value `SessionManager.forConnection` returns when it opened this session
   * because the connection's previous one ended without the connection: it expired, or
   * its record was lost (the session store was emptied). Never stored.
   */
  replaces?: { id: string; reason: "expired" | "lost" };
}
