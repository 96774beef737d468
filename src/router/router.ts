import { CodegenError, getLogger } from "../core/mod.ts";
import type { SessionLimits, TaskError, WorkspaceStatsResult } from "../rpc/mod.ts";
import type { Session } from "../session/mod.ts";
import type { WorkerClient } from "./worker_client.ts";
import { missedAnswerDeadline } from "./_answer_deadline.ts";
import { discardWorkspace as discard, LeftBehind } from "./_left_behind.ts";
import { MISSED_DEADLINE_SESSIONS, MissedDeadlines } from "./_missed_deadlines.ts";

const log = getLogger("router");

/** How many remote workers a placement tries before giving up (each failure evicts one). */
const PLACEMENT_ATTEMPTS = 3;

/** Remote workers as the router sees them (backed by the registry and a gRPC client pool). */
export interface RemoteWorkers {
  /** Picks a worker with capacity and reserves a slot for the session. */
  reserve(sessionId: string): { ok: true; workerId: string } | { ok: false; reason: string };
  /** Reserves a slot for the session on the worker that hosted it before; false if it cannot. */
  reserveOn(sessionId: string, workerId: string): boolean;
  /** Frees the session's slot. */
  release(sessionId: string): void;
  /** A client for a registered worker; undefined when it is gone or unreachable (then evicted). */
  clientFor(workerId: string): Promise<WorkerClient | undefined>;
  /** The worker failed a call with its connection lost: stop placing sessions on it. */
  evict(workerId: string, reason: string): void;
  /** The worker refused a new session as full (LIMIT_EXCEEDED): place none there for now. */
  full(workerId: string): void;
  /** The worker refused a new session because it is leaving: count it draining, not full. */
  leaving(workerId: string): void;
  /** The worker the session's slot is reserved on, if any. */
  workerOf(sessionId: string): string | undefined;
}

/** Options for {@link Router}. */
export interface RouterOptions {
  /** Embedded workers, used before remote ones. */
  local: WorkerClient[];
  remote?: RemoteWorkers;
}

/** Where a call for a session goes. */
export interface Route {
  client: WorkerClient;
  /** The session, with `workerId` (and `rehomedFrom` when it moved) filled in. */
  session: Session;
  /**
   * True when the session was placed on a worker in this call (its record changed). A session
   * that got its slot back on the worker still holding its workspace was not placed.
   */
  placed: boolean;
}

/**
 * Keeps each session on its worker (affinity) and places new or orphaned sessions:
 * embedded workers first (fewest sessions), then remote workers through the registry,
 * whose selection reserves the slot at once.
 */
export class Router {
  #local: WorkerClient[];
  #remote: RemoteWorkers | undefined;
  #localLoad = new Map<string, Set<string>>();
  #leftBehind = new LeftBehind();
  #missed = new MissedDeadlines();

  constructor(options: RouterOptions) {
    this.#local = options.local;
    this.#remote = options.remote;
    for (const w of this.#local) this.#localLoad.set(w.workerId, new Set());
  }

  /**
   * Finds (or assigns) the worker for `session`. A remote worker that no longer holds the
   * session's slot (it left, or registered again after a restart with its workspaces gone)
   * does not get the session back silently: it is placed again with `rehomedFrom` set. One
   * that registered again still holding the session's files (it fell silent for a while, or
   * was evicted while alive) keeps the session, with nothing to tell; so does one a call
   * lost the connection to (the session was left with `rehomedFrom` and no worker). What a
   * moved session left on a worker that was gone is removed when it registers again.
   */
  async route(session: Session): Promise<Route> {
    if (this.#remote) this.#leftBehind.sweep(this.#remote);
    if (session.workerId) {
      const from = session.workerId;
      const client = await this.#clientFor(from);
      if (client && this.#hosts(session.id, session.workerId)) {
        return { client, session, placed: false };
      }
      // (a local worker always hosts its sessions: only a remote one gets here)
      if (client && await this.#reclaim(session, client)) {
        return { client, session, placed: false };
      }
      log.warn("Session {id} lost worker {worker}; placing it again", {
        id: session.id,
        worker: from,
        restarted: client !== undefined,
      });
      // nothing to free: its slot there is already gone (and a slot the session now holds
      // elsewhere, placed by a concurrent call, is not this call's to free)
      const route = await this.#place({ ...session, rehomedFrom: from });
      if (!client) this.#leftOn(from, route);
      await this.#dropCopy(client, route);
      return route;
    }
    // orphaned by a call that lost its worker: the worker may be back, with the files
    const from = session.rehomedFrom;
    const client = from && !this.isLocal(from) ? await this.#remote?.clientFor(from) : undefined;
    if (client && await this.#reclaim(session, client)) {
      const { rehomedFrom: _moved, ...kept } = session;
      return { client, session: { ...kept, workerId: client.workerId }, placed: true };
    }
    const route = await this.#place(session);
    if (from && !client && !this.isLocal(from)) this.#leftOn(from, route);
    await this.#dropCopy(client, route);
    return route;
  }

  // Placed elsewhere: what the session had on the worker it was looked for on (an empty copy
  // made while looking, or files it could not go back to) is no one's, and holds a slot
  // there. Placed back there, nothing is dropped: its venv and interpreter are kept.
  async #dropCopy(looked: WorkerClient | undefined, route: Route): Promise<void> {
    if (looked && route.client.workerId !== looked.workerId) {
      await discard(looked, route.session.id);
    }
  }

  // The session moved away from a worker that is not registered now, but may be alive with
  // its workspace (and a slot) there: removed once it registers again.
  #leftOn(workerId: string, route: Route): void {
    if (route.client.workerId !== workerId) this.#leftBehind.add(workerId, route.session.id);
  }

  /**
   * The session's worker is registered again but holds no slot for it: takes the slot back
   * there when the worker still has the session's files, venv or running interpreter. A
   * worker that restarted with a fresh disk shows none of them, and the session is placed
   * as if moved; so is one whose session has nothing there, as nothing is lost then.
   */
  async #reclaim(session: Session, client: WorkerClient): Promise<boolean> {
    // a concurrent call already placed the session there (or took its slot back): that
    // slot is this call's too, and never this call's to free
    if (this.#hosts(session.id, client.workerId)) return true;
    if (!this.#remote) return false;
    // full, draining, or the session is already elsewhere: placed anew (see route)
    if (!this.#remote.reserveOn(session.id, client.workerId)) return false;
    try {
      await client.createSession(session.id);
      const stats = await client.execute(session.id, { tool: "workspace.stats", args: {} });
      // a fake or older worker may send no count: then nothing is known to be there; a
      // session with no files may still have its venv and interpreter there
      const found = stats.ok ? (stats.result as Partial<WorkspaceStatsResult>) : {};
      if ((found.file_count ?? 0) > 0 || found.has_state === true) {
        log.info("Session {id} is back on worker {worker}, its files intact", {
          id: session.id,
          worker: client.workerId,
        });
        return true;
      }
    } catch (err) {
      log.debug("Session {id} cannot go back to worker {worker}: {error}", {
        id: session.id,
        worker: client.workerId,
        error: String(err),
      });
    }
    this.#remote.release(session.id);
    return false;
  }

  #hosts(sessionId: string, workerId: string): boolean {
    if (this.isLocal(workerId)) return true;
    // its slot is still reserved there: false once the worker left, was evicted, or
    // registered again (restarted, its workspaces gone)
    return this.#remote?.workerOf(sessionId) === workerId;
  }

  async #place(session: Session): Promise<Route> {
    const local = this.#placeLocal(session.id);
    let client: WorkerClient;
    if (local) {
      try {
        await local.createSession(session.id);
      } catch (err) {
        this.release(session.id, local.workerId);
        throw CodegenError.from(err, "WORKER_UNAVAILABLE");
      }
      client = local;
    } else {
      client = await this.#placeRemote(session.id);
    }
    const { workerId } = client;
    this.#leftBehind.delete(workerId, session.id);
    return { client, session: { ...session, workerId }, placed: true };
  }

  #placeLocal(sessionId: string): WorkerClient | undefined {
    let best: WorkerClient | undefined;
    for (const w of this.#local) {
      if (
        !best || this.#localLoad.get(w.workerId)!.size < this.#localLoad.get(best.workerId)!.size
      ) best = w;
    }
    if (best) this.#localLoad.get(best.workerId)!.add(sessionId);
    return best;
  }

  async #placeRemote(sessionId: string): Promise<WorkerClient> {
    if (!this.#remote) {
      throw new CodegenError("WORKER_UNAVAILABLE", "No worker is configured", { retriable: true });
    }
    const unreachable = (workerId: string) =>
      `Worker "${workerId}" could not be reached (see the coordinator's log)`;
    // what went wrong with a worker tried, which says more than what is left afterwards
    let failure: string | undefined;
    let refusal: string | undefined;
    for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
      const r = this.#remote.reserve(sessionId);
      if (!r.ok) {
        refusal = r.reason;
        break;
      }
      const client = await this.#remote.clientFor(r.workerId);
      if (!client) {
        this.#remote.release(sessionId);
        failure = unreachable(r.workerId);
        continue;
      }
      try {
        await client.createSession(sessionId);
        return client;
      } catch (err) {
        this.#remote.release(sessionId);
        const e = CodegenError.from(err, "WORKER_UNAVAILABLE");
        if (e.code === "LIMIT_EXCEEDED" || e.workerLeaving) {
          // full with sessions this coordinator does not know of (e.g. a previous one's),
          // or draining: not the caller's fault, and no new session there for now
          log.warn("Worker {worker} refused session {id} ({error}); trying another", {
            worker: r.workerId,
            id: sessionId,
            error: e.message,
          });
          const full = e.code === "LIMIT_EXCEEDED";
          if (full) this.#remote.full(r.workerId);
          else this.#remote.leaving(r.workerId);
          failure = `Worker "${r.workerId}" ${full ? "is full" : "is leaving"}`;
        } else if (e.code === "WORKER_UNAVAILABLE") {
          // a cached connection to a worker that died: evict it, try the next
          this.#remote.evict(r.workerId, `creating session ${sessionId} failed: ${e.message}`);
          failure = unreachable(r.workerId);
        } else {
          throw e;
        }
      }
    }
    const reason = failure ?? refusal ?? "No worker with free capacity is registered";
    throw new CodegenError(
      "WORKER_UNAVAILABLE",
      `${reason}; start a worker or try again shortly`,
      { retriable: true },
    );
  }

  #clientFor(workerId: string): Promise<WorkerClient | undefined> {
    const local = this.#local.find((w) => w.workerId === workerId);
    if (local) return Promise.resolve(local);
    return this.#remote?.clientFor(workerId) ?? Promise.resolve(undefined);
  }

  /**
   * The limits of the worker the session is placed on. Never places it: a placement made
   * here would not be saved on the session, so its slot would leak. A session without a
   * live worker gets a retriable WORKER_UNAVAILABLE (its next call places it).
   */
  async limitsFor(session: Session): Promise<SessionLimits> {
    const known = session.workerId ? await this.#clientFor(session.workerId) : undefined;
    if (!known) {
      throw new CodegenError(
        "WORKER_UNAVAILABLE",
        `Session ${session.id} has no live worker right now; call again to place it on one`,
        { retriable: true },
      );
    }
    return known.limits();
  }

  /**
   * Removes the session from its worker and frees its slot. A worker that is not registered
   * may still be alive with the workspace: it is removed when the worker registers again.
   */
  async endSession(session: Session): Promise<void> {
    if (this.#remote) this.#leftBehind.sweep(this.#remote);
    // a session known only by id (its record lost) is looked up where it was placed
    const workerId = session.workerId ?? this.#placedOn(session.id);
    if (!workerId) {
      // orphaned by a lost call: its files may be on the worker it left
      const from = session.rehomedFrom;
      if (from && !this.isLocal(from)) await this.#endLeft(from, session.id);
      return;
    }
    try {
      const client = await this.#clientFor(workerId);
      if (client) await client.destroySession(session.id);
      else this.#leftBehind.add(workerId, session.id);
    } finally {
      this.release(session.id, workerId);
    }
  }

  async #endLeft(workerId: string, sessionId: string): Promise<void> {
    const client = await this.#remote?.clientFor(workerId).catch(() => undefined);
    if (!client) this.#leftBehind.add(workerId, sessionId);
    else if (this.#remote?.workerOf(sessionId) !== workerId) await discard(client, sessionId);
  }

  /** Settles when the removal of left-behind workspaces under way (if any) has ended. */
  leftBehindRemoved(): Promise<void> {
    return this.#leftBehind.settled();
  }

  /** Whether `workerId` is one of this process's embedded workers. */
  isLocal(workerId: string): boolean {
    return this.#localLoad.has(workerId);
  }

  #placedOn(sessionId: string): string | undefined {
    for (const [workerId, load] of this.#localLoad) if (load.has(sessionId)) return workerId;
    return this.#remote?.workerOf(sessionId);
  }

  /**
   * The session's worker answered a task with WORKER_UNAVAILABLE; returns whether the
   * session left it (its slot freed, the next call places it again). A lost connection also
   * evicts the worker (so no session lands there); a worker leaving on purpose
   * (`worker_leaving`) counts as draining and is left to go, as its other sessions' tasks
   * may still be finishing. A missed answer deadline on a connection that is up changes
   * nothing: a dead peer fails its calls through the keepalive instead, and one slow task
   * (a huge workspace, say) must not move every session off a worker that serves them; but
   * misses for several sessions (a worker hung behind a live connection) evict it.
   */
  unavailable(session: Session, error: TaskError): boolean {
    const { id, workerId } = session;
    if (!workerId) return false;
    const remote = !this.isLocal(workerId);
    if (missedAnswerDeadline(error)) {
      if (!remote || !this.#missed.note(workerId, id)) {
        log.warn("Worker {worker} did not answer a task of session {id} in time; both stay", {
          worker: workerId,
          id,
        });
        return false;
      }
      this.#missed.forget(workerId);
      this.#remote?.evict(
        workerId,
        `tasks of ${MISSED_DEADLINE_SESSIONS} sessions missed their answer deadline`,
      );
    } else if (remote) {
      if (error.worker_leaving) this.#remote?.leaving(workerId);
      else this.#remote?.evict(workerId, `call for session ${id} lost the connection`);
    }
    this.release(id, workerId);
    return true;
  }

  /** Frees a session's slot without contacting the worker. */
  release(sessionId: string, workerId: string): void {
    const local = this.#localLoad.get(workerId);
    if (local) local.delete(sessionId);
    else this.#remote?.release(sessionId);
  }

  /** Closes the embedded workers' clients (remote clients are closed by their pool). */
  async close(): Promise<void> {
    await Promise.all(this.#local.map((w) => w.close()));
  }
}
