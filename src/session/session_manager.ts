import {
  type Clock,
  CodegenError,
  getLogger,
  type IdGenerator,
  RANDOM_IDS,
  SYSTEM_CLOCK,
} from "../core/mod.ts";
import type { ReplacedSession, Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";

const log = getLogger("session");
/** A call at least this long touches its session again when it ends. */
const TOUCH_AFTER_MS = 1_000;

/** Options for {@link SessionManager}. */
export interface SessionManagerOptions {
  store: SessionStore;
  /** Idle time after which a session expires. */
  maxAgeMs: number;
  clock?: Clock;
  ids?: IdGenerator;
  /** Called for each expired or closed session, before it is forgotten (removes workspaces). */
  onEnd?: (session: Session, reason: "expired" | "closed") => Promise<void>;
}

/**
 * Creates, finds, touches and ends sessions. A session belongs to one connection and one
 * principal; using it from another principal fails as if it did not exist.
 */
export class SessionManager {
  #store: SessionStore;
  #maxAgeMs: number;
  #clock: Clock;
  #ids: IdGenerator;
  #onEnd: SessionManagerOptions["onEnd"];
  // one in-flight creation per connection so concurrent first calls share a session
  #opening = new Map<string, Promise<Session>>();
  #byConnection = new Map<string, string>();
  // calls running per connection: their session is in use, not idle
  #busy = new Map<string, number>();
  // connections whose session ended without them, until they get a new one: told once
  #replaced = new Map<string, ReplacedSession>();
  // connections open now: only these may get a session, so a call that outlives its
  // connection's close cannot open a new one that nothing would ever end
  #openConnections = new Set<string>();
  // settles when a busy connection's calls have all ended: closeConnection() waits for it
  // before it ends the session, and what is left of a session whose record was lost is
  // ended then (a call still running in it must not have its workspace removed)
  #drained = new Map<string, PromiseWithResolvers<void>>();

  constructor(options: SessionManagerOptions) {
    this.#store = options.store;
    this.#maxAgeMs = options.maxAgeMs;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#ids = options.ids ?? RANDOM_IDS;
    this.#onEnd = options.onEnd;
  }

  /**
   * Marks a connection open: from now until {@link closeConnection} it may get a session.
   * Call it when the connection starts, before anything asks for its session.
   */
  openConnection(connectionId: string): void {
    this.#openConnections.add(connectionId);
  }

  /**
   * The session of `connectionId`, created on first use, touched on every use. CANCELLED
   * when the connection is not open (it closed, or never opened).
   */
  async forConnection(connectionId: string, principal: string): Promise<Session> {
    this.#checkOpen(connectionId);
    const known = this.#byConnection.get(connectionId);
    if (known) {
      const session = await this.#store.get(known);
      this.#checkOpen(connectionId);
      if (session) {
        if (session.principal !== principal) {
          throw new CodegenError("PERMISSION_DENIED", "Session belongs to another principal");
        }
        const now = this.#clock.now();
        await this.#store.touch(session.id, now);
        return { ...session, lastActivityAt: Math.max(now, session.lastActivityAt) };
      }
      // the record is gone (the store was emptied or restarted): a new one opens, and what
      // is left of the old one ends once the calls still running in it have ended;
      // concurrent calls wait for the same opening
      if (this.#byConnection.get(connectionId) === known && !this.#opening.has(connectionId)) {
        this.#byConnection.delete(connectionId);
        this.#replaced.set(connectionId, { id: known, reason: "lost" });
        log.warn("Session {id} lost its record; a new one replaces it", { id: known });
        this.#whenIdle(connectionId, () => this.#endLost(known, connectionId, principal));
        this.#startOpening(connectionId, principal);
      }
    }
    const opening = this.#opening.get(connectionId);
    if (opening) return await opening;
    // another call opened it while this one waited for the store
    if (this.#byConnection.has(connectionId)) {
      return await this.forConnection(connectionId, principal);
    }
    return await this.#startOpening(connectionId, principal);
  }

  #checkOpen(connectionId: string): void {
    if (!this.#openConnections.has(connectionId)) {
      throw new CodegenError("CANCELLED", "The connection is closed: its session has ended");
    }
  }

  #startOpening(connectionId: string, principal: string): Promise<Session> {
    const opening = this.#create(connectionId, principal).finally(() =>
      this.#opening.delete(connectionId)
    );
    this.#opening.set(connectionId, opening);
    return opening;
  }

  #drainedOf(connectionId: string): PromiseWithResolvers<void> {
    const known = this.#drained.get(connectionId);
    if (known) return known;
    const drained = Promise.withResolvers<void>();
    this.#drained.set(connectionId, drained);
    return drained;
  }

  // Runs `fn` once no call of the connection runs (now, when none does).
  #whenIdle(connectionId: string, fn: () => Promise<void>): void {
    if (!this.#busy.has(connectionId)) return void fn();
    void this.#drainedOf(connectionId).promise.then(fn);
  }

  async #endLost(id: string, connectionId: string, principal: string): Promise<void> {
    const now = this.#clock.now();
    await this.#onEnd?.(
      { id, principal, connectionId, createdAt: now, lastActivityAt: now },
      "closed",
    )
      .catch((err) =>
        log.warn("Cleaning up session {id} failed: {error}", { id, error: String(err) })
      );
  }

  /**
   * The session the connection had before, when it ended without the connection (expired,
   * or its record lost), once: the first call to ask tells the user, later ones get
   * nothing. Kept until asked, so calls that show no note (resources) do not use it up.
   */
  takeReplaced(connectionId: string): ReplacedSession | undefined {
    const replaced = this.#replaced.get(connectionId);
    this.#replaced.delete(connectionId);
    return replaced;
  }

  /**
   * Runs `work` as a use of the connection's session: the session does not expire while
   * `work` runs (a long run may outlast SESSION_MAX_AGE), its idle time starts again when a
   * long `work` ends, and closing the connection ends the session only once `work` has
   * ended (so nothing it does afterwards, like placing the session on a worker, outlives
   * the session). Not async: it wraps every tool call.
   */
  inUse<T>(connectionId: string, work: () => Promise<T>): Promise<T> {
    this.#busy.set(connectionId, (this.#busy.get(connectionId) ?? 0) + 1);
    const started = this.#clock.now();
    const done = () => this.#doneWith(connectionId, started);
    let running: Promise<T>;
    try {
      running = work();
    } catch (err) {
      done();
      throw err;
    }
    return running.finally(done);
  }

  #doneWith(connectionId: string, started: number): void {
    const left = (this.#busy.get(connectionId) ?? 1) - 1;
    if (left > 0) this.#busy.set(connectionId, left);
    else {
      this.#busy.delete(connectionId);
      this.#drained.get(connectionId)?.resolve();
      this.#drained.delete(connectionId);
    }
    const now = this.#clock.now();
    const id = this.#byConnection.get(connectionId);
    // a short call is covered by the touch at its start; not awaited: the answer need not
    // wait for the store (a Redis round trip)
    if (id && now - started >= TOUCH_AFTER_MS) {
      this.#store.touch(id, now).catch((err) =>
        log.warn("Touching session {id} failed: {error}", { id, error: String(err) })
      );
    }
  }

  async #create(connectionId: string, principal: string): Promise<Session> {
    const now = this.#clock.now();
    const session: Session = {
      id: this.#ids.next(),
      principal,
      connectionId,
      createdAt: now,
      lastActivityAt: now,
    };
    this.#checkOpen(connectionId);
    await this.#store.put(session);
    if (!this.#openConnections.has(connectionId)) {
      // the connection closed while the record was being written: nobody will end it later
      await this.#end(session, "closed");
      this.#checkOpen(connectionId);
    }
    this.#byConnection.set(connectionId, session.id);
    log.debug("Session {id} opened", { id: session.id });
    // told to this caller only: not stored
    return session;
  }

  /** Looks a session up by id. */
  get(id: string): Promise<Session | undefined> {
    return this.#store.get(id);
  }

  /** Saves changed fields (e.g. the assigned worker). */
  update(session: Session): Promise<void> {
    return this.#store.put(session);
  }

  /**
   * Ends the session of a connection that closed (workspace removed via `onEnd`): after the
   * calls still using it have ended (their requests were cancelled with the connection) and
   * after a session still being opened is open. The connection gets no session again.
   */
  async closeConnection(connectionId: string): Promise<void> {
    this.#openConnections.delete(connectionId);
    this.#replaced.delete(connectionId);
    await this.#opening.get(connectionId)?.catch(() => {});
    if (this.#busy.has(connectionId)) await this.#drainedOf(connectionId).promise;
    const id = this.#byConnection.get(connectionId);
    if (!id) return;
    this.#byConnection.delete(connectionId);
    const session = await this.#store.get(id);
    if (session) await this.#end(session, "closed");
  }

  /** Ends every session idle for longer than the maximum age and not in use; returns their ids. */
  async expire(): Promise<string[]> {
    const idle = (await this.#store.idleSince(this.#clock.now() - this.#maxAgeMs))
      .filter((session) => !this.#busy.has(session.connectionId));
    for (const session of idle) {
      // only a connection this process serves can come back for it
      if (this.#byConnection.delete(session.connectionId)) {
        this.#replaced.set(session.connectionId, { id: session.id, reason: "expired" });
      }
      await this.#end(session, "expired");
    }
    return idle.map((s) => s.id);
  }

  async #end(session: Session, reason: "expired" | "closed"): Promise<void> {
    try {
      await this.#onEnd?.(session, reason);
    } catch (err) {
      log.warn("Cleaning up session {id} failed: {error}", { id: session.id, error: String(err) });
    }
    await this.#store.delete(session.id);
    log.info("Session {id} ended ({reason})", { id: session.id, reason });
  }

  /** Number of live sessions. */
  count(): Promise<number> {
    return this.#store.count();
  }
}
