import { getLogger, settlesWithin } from "../../core/mod.ts";
import type { McpServer, Transport } from "../sdk.ts";
import type { HttpTransportKind } from "./types.ts";
import { answerRunning } from "./_in_flight.ts";
import { connectionLabel } from "../_connection_label.ts";

const log = getLogger("mcp", "http");

/** One live MCP session over HTTP. */
export interface HttpSession<T extends Transport = Transport> {
  id: string;
  principal: string;
  kind: HttpTransportKind;
  transport: T;
  server: McpServer;
}

/** Options of {@link SessionTable}. */
export interface SessionTableOptions {
  /** Most sessions held at once. */
  maxSessions: number;
  /** Told once per session when it ends; may return when its ending is done. */
  onSessionClosed?: ((sessionId: string) => void | Promise<void>) | undefined;
  /** How many sessions closed with a reason are remembered to say why. Default 10 000. */
  maxEnded?: number;
}

/** Sessions closed with a reason that are remembered; past this the oldest are forgotten. */
const MAX_ENDED = 10_000;

/**
 * The sessions of one HTTP front, keyed by id and bound to their principal. A session
 * leaves the table when its transport closes, whichever side closed it.
 */
export class SessionTable {
  #sessions = new Map<string, HttpSession>();
  #maxSessions: number;
  #onSessionClosed: ((sessionId: string) => void | Promise<void>) | undefined;
  // endings under way, by session: a DELETE answers once its session's is done
  #endings = new Map<string, Promise<void>>();
  // sessions closed with a reason (expired), oldest first: their next request is told why
  #ended = new Map<string, { principal: string; reason: string }>();
  #maxEnded: number;
  #draining = false;

  constructor(options: SessionTableOptions) {
    this.#maxSessions = options.maxSessions;
    this.#onSessionClosed = options.onSessionClosed;
    this.#maxEnded = options.maxEnded ?? MAX_ENDED;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Whether a new session would exceed the limit. */
  get full(): boolean {
    return this.#sessions.size >= this.#maxSessions;
  }

  /** Refuses new sessions from now on (the server is stopping); open ones go on. */
  drain(): void {
    this.#draining = true;
  }

  /** Why a new session would be refused now (503), or undefined when one may open. */
  get refusal(): string | undefined {
    if (this.#draining) {
      return "Server is shutting down: it finishes the calls already running and takes no new " +
        "session; connect again (to another instance)";
    }
    return this.full ? "Too many sessions: try again later" : undefined;
  }

  /**
   * Registers a session and connects its server to its transport. Must be called before
   * the transport handles anything, so the table learns when it closes.
   */
  async open<T extends Transport>(session: HttpSession<T>): Promise<void> {
    this.#sessions.set(session.id, session);
    log.debug("MCP session {sessionId} opened", {
      sessionId: connectionLabel(session.id),
      transport: session.kind,
    });
    // Protocol.connect keeps an onclose set before it and calls it first.
    session.transport.onclose = () => this.#forget(session.id);
    try {
      await session.server.connect(session.transport);
    } catch (err) {
      await this.close(session.id);
      throw err;
    }
  }

  /** The session with this id if `principal` owns it; another's session is not revealed. */
  get(id: string, principal: string): HttpSession | undefined {
    const session = this.#sessions.get(id);
    return session?.principal === principal ? session : undefined;
  }

  /**
   * Why the session with this id ended, when it was closed with a reason and `principal`
   * owned it (another's session is not revealed). Remembered for the latest `maxEnded`.
   */
  endedReason(id: string, principal: string): string | undefined {
    const ended = this.#ended.get(id);
    return ended?.principal === principal ? ended.reason : undefined;
  }

  /**
   * Closes one session (its server and transport); unknown ids are ignored. With a
   * `reason`, later requests for the id are told it (see {@link endedReason}).
   */
  async close(id: string, options: { reason?: string } = {}): Promise<void> {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    if (options.reason !== undefined) {
      // before the session leaves the table: no request finds neither
      this.#ended.set(id, { principal: session.principal, reason: options.reason });
      if (this.#ended.size > this.#maxEnded) this.#ended.delete(this.#ended.keys().next().value!);
    }
    try {
      await answerRunning(session.transport);
      await session.server.close();
      await session.transport.close();
    } finally {
      this.#forget(id);
    }
  }

  /**
   * Resolves once the ending of the session that just closed is done (its workspace and
   * slot freed), or after `ms`, whichever comes first; at once when none is under way.
   */
  async ended(id: string, ms: number): Promise<void> {
    const ending = this.#endings.get(id);
    if (ending) await settlesWithin(ending, ms);
  }

  /** Closes every session. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#sessions.keys()].map((id) => this.close(id)));
  }

  #forget(id: string): void {
    const session = this.#sessions.get(id);
    if (session === undefined) return;
    this.#sessions.delete(id);
    log.debug("MCP session {sessionId} closed", {
      sessionId: connectionLabel(id),
      transport: session.kind,
    });
    try {
      const ending = this.#onSessionClosed?.(id);
      if (ending) {
        const settled = ending.catch(() => {}).finally(() => this.#endings.delete(id));
        this.#endings.set(id, settled);
      }
    } catch (err) {
      log.error("onSessionClosed failed for {sessionId}: {error}", {
        sessionId: connectionLabel(id),
        error: err,
      });
    }
  }
}
