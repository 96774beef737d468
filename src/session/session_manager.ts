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
import { EndedSessions } from "./_ended_sessions.ts";

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
  /**
   * Called for each ended session, before it is forgotten (removes workspaces): `expired`
   * (idle too long; the connection, still open, is let go of it), `closed` (its connection
   * closed) or `replaced` (its connection had already moved on to a new session: only
   * what is left of this one goes).
   */
  onEnd?: (session: Session, reason: EndReason) => Promise<void>;
}

/** Why a session ended; see {@link SessionManagerOptions.onEnd}. */
export type EndReason = "expired" | "closed" | "replaced";

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
  // when each open connection last used its session, as this process saw it: a connection
  // whose record is gone from the store (emptied, evicted, or never written while it was
  // down) still expires when idle, so its workspace and HTTP session do not stay for ever
  #lastUse = new Map<string, number>();
  #ended: EndedSessions;
  #sweeping: Promise<string[]> | undefined;

  constructor(options: SessionManagerOptions) {
    this.#store = options.store;
    this.#ended = new EndedSessions(options.store);
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
    this.#lastUse.set(connectionId, this.#clock.now());
  }

  /**
   * The session of `connectionId`, created on first use, touched on every use. CANCELLED
   * when the connection is not open (it closed, or never opened).
   */
  async forConnection(connectionId: string, principal: string): Promise<Session> {
    this.#checkOpen(connectionId);
    this.#lastUse.set(connectionId, this.#clock.now());
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
        const lost = this.#remains(known, connectionId, principal);
        this.#whenIdle(connectionId, async () => void await this.#end(lost, "replaced"));
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

  // What is known of a session whose record is gone: enough for onEnd to remove its remains.
  #remains(id: string, connectionId: string, principal: string): Session {
    const now = this.#clock.now();
    return { id, principal, connectionId, createdAt: now, lastActivityAt: now };
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
    if (this.#openConnections.has(connectionId)) this.#lastUse.set(connectionId, now);
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
   * after a session still being opened is open. The connection gets no session again. It
   * ends even when the store cannot be read or lost the record: nothing would end it later.
   */
  async closeConnection(connectionId: string): Promise<void> {
    this.#openConnections.delete(connectionId);
    this.#lastUse.delete(connectionId);
    this.#replaced.delete(connectionId);
    await this.#opening.get(connectionId)?.catch(() => {});
    if (this.#busy.has(connectionId)) await this.#drainedOf(connectionId).promise;
    const id = this.#byConnection.get(connectionId);
    if (!id) return;
    this.#byConnection.delete(connectionId);
    const session = await this.#store.get(id).catch((err) => {
      log.warn("Cannot read session {id}; ending what is known of it: {error}", {
        id,
        error: String(err),
      });
      return undefined;
    });
    // without its record the router still finds where the session was placed
    await this.#end(session ?? this.#remains(id, connectionId, ""), "closed");
  }

  /**
   * Ends every session idle for longer than the maximum age and not in use; returns their
   * ids. Whether a call runs in a session is checked right before it is ended (ending the
   * ones before it takes time), and the connection is let go of at once: a call that comes
   * later gets a new session. While the store cannot list them, the connections that need
   * no store (never recorded) still expire. A call while a sweep runs gets that sweep.
   */
  expire(): Promise<string[]> {
    return this.#sweeping ??= this.#sweep().finally(() => this.#sweeping = undefined);
  }

  async #sweep(): Promise<string[]> {
    const cutoff = this.#clock.now() - this.#maxAgeMs;
    await this.#ended.beforeSweep();
    const ended: string[] = [];
    const seen = new Set<string>();
    for (const session of await this.#listIdle(cutoff)) {
      seen.add(session.connectionId);
      if (this.#busy.has(session.connectionId) || this.#ended.has(session.id)) continue;
      const current = this.#letGo(session.connectionId, session.id);
      if (await this.#end(session, current ? "expired" : "replaced")) ended.push(session.id);
    }
    for (const id of await this.#expireUnrecorded(cutoff, seen)) ended.push(id);
    return ended;
  }

  async #listIdle(cutoff: number): Promise<Session[]> {
    try {
      return await this.#store.idleSince(cutoff);
    } catch (err) {
      log.warn("Cannot list idle sessions; expiring only those without a record: {error}", {
        error: String(err),
      });
      return [];
    }
  }

  // Open connections of this process idle since `cutoff` whose session the store does not
  // list (`seen` are those it listed): when the record is gone too, what is left of the
  // session ends as if it had expired.
  async #expireUnrecorded(cutoff: number, seen: Set<string>): Promise<string[]> {
    const ended: string[] = [];
    for (const [connectionId, lastUse] of [...this.#lastUse]) {
      if (lastUse > cutoff || seen.has(connectionId) || !this.#idle(connectionId)) continue;
      const id = this.#byConnection.get(connectionId);
      // the store says when; when it cannot say now, a later sweep asks again
      if (id !== undefined && await this.#recorded(id) !== false) continue;
      if (!this.#idle(connectionId) || this.#byConnection.get(connectionId) !== id) continue;
      if ((this.#lastUse.get(connectionId) ?? Infinity) > cutoff) continue;
      this.#lastUse.delete(connectionId);
      if (id !== undefined) {
        log.warn("Session {id} lost its record; it ended as expired", { id });
        this.#letGo(connectionId, id);
      }
      // a connection that never had a record (id "") still has its HTTP session closed
      await this.#end(this.#remains(id ?? "", connectionId, ""), "expired");
      if (id !== undefined) ended.push(id);
    }
    return ended;
  }

  // Whether the store holds the record of `id`; undefined when it cannot say now.
  async #recorded(id: string): Promise<boolean | undefined> {
    try {
      return await this.#store.get(id) !== undefined;
    } catch {
      return undefined;
    }
  }

  #idle(connectionId: string): boolean {
    return !this.#busy.has(connectionId) && !this.#opening.has(connectionId);
  }

  // The connection's session is `id` no more, when it still is (a stale record must not
  // detach the session the connection uses now; false then); its next call opens a new one,
  // told why. A connection this process does not serve counts as let go.
  #letGo(connectionId: string, id: string): boolean {
    const current = this.#byConnection.get(connectionId);
    if (current === undefined) return !this.#openConnections.has(connectionId);
    if (current !== id) return false;
    this.#byConnection.delete(connectionId);
    this.#lastUse.delete(connectionId);
    this.#replaced.set(connectionId, { id, reason: "expired" });
    return true;
  }

  // Ends the session unless it is ending or ended already (then false); its record is
  // deleted best effort.
  async #end(session: Session, reason: EndReason): Promise<boolean> {
    const { id } = session;
    // "": a connection that never had a record
    if (id !== "" && !this.#ended.begin(id)) return false;
    try {
      await this.#onEnd?.(session, reason);
    } catch (err) {
      log.warn("Cleaning up session {id} failed: {error}", { id, error: String(err) });
    }
    if (id === "") return true;
    log.info("Session {id} ended ({reason})", { id, reason });
    await this.#ended.finish(id);
    return true;
  }

  /** Number of live sessions in the store (every coordinator's, on a shared store). */
  count(): Promise<number> {
    return this.#store.count();
  }

  /** Number of sessions this process serves now (its connections that have one). */
  get servedCount(): number {
    return this.#byConnection.size;
  }
}
