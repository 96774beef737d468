import { CodegenError, getLogger } from "../core/mod.ts";
import type { SessionLimits } from "../rpc/mod.ts";
import type { Session } from "../session/mod.ts";
import type { WorkerClient } from "./worker_client.ts";

const log = getLogger("router");

/** How many remote workers a placement tries before giving up (each failure evicts one). */
const PLACEMENT_ATTEMPTS = 3;

/** Remote workers as the router sees them (backed by the registry and a gRPC client pool). */
export interface RemoteWorkers {
  /** Picks a worker with capacity and reserves a slot for the session. */
  reserve(sessionId: string): { ok: true; workerId: string } | { ok: false; reason: string };
  /** Frees the session's slot. */
  release(sessionId: string): void;
  /** A client for a registered worker; undefined when it is gone or unreachable (then evicted). */
  clientFor(workerId: string): Promise<WorkerClient | undefined>;
  /** The worker failed a call with its connection lost: stop placing sessions on it. */
  evict(workerId: string, reason: string): void;
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
  /** True when the session was placed on a worker in this call. */
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

  constructor(options: RouterOptions) {
    this.#local = options.local;
    this.#remote = options.remote;
    for (const w of this.#local) this.#localLoad.set(w.workerId, new Set());
  }

  /** Finds (or assigns) the worker for `session`. */
  async route(session: Session): Promise<Route> {
    if (session.workerId) {
      const client = await this.#clientFor(session.workerId);
      if (client) return { client, session, placed: false };
      log.warn("Session {id} lost worker {worker}; placing it again", {
        id: session.id,
        worker: session.workerId,
      });
      this.#remote?.release(session.id);
      return await this.#place({ ...session, rehomedFrom: session.workerId });
    }
    return await this.#place(session);
  }

  async #place(session: Session): Promise<Route> {
    const client = this.#placeLocal(session.id) ?? await this.#placeRemote(session.id);
    try {
      await client.createSession(session.id);
    } catch (err) {
      this.release(session.id, client.workerId);
      throw CodegenError.from(err, "WORKER_UNAVAILABLE");
    }
    const { workerId } = client;
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
    let reason = "No worker with free capacity is registered";
    for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
      const r = this.#remote.reserve(sessionId);
      if (!r.ok) {
        reason = r.reason;
        break;
      }
      const client = await this.#remote.clientFor(r.workerId);
      if (client) return client;
      this.#remote.release(sessionId);
      reason = `Worker "${r.workerId}" could not be reached`;
    }
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

  /** The limits of the session's worker (placing the session if needed). */
  async limitsFor(session: Session): Promise<SessionLimits> {
    const known = session.workerId ? await this.#clientFor(session.workerId) : undefined;
    return (known ?? (await this.route(session)).client).limits();
  }

  /** Removes the session from its worker and frees its slot. */
  async endSession(session: Session): Promise<void> {
    if (!session.workerId) return;
    const local = this.#local.find((w) => w.workerId === session.workerId);
    try {
      // a gone remote worker took the workspace with it: nothing to remove
      const client = local ?? await this.#remote?.clientFor(session.workerId);
      await client?.destroySession(session.id);
    } finally {
      this.release(session.id, session.workerId);
    }
  }

  /**
   * The session's worker failed a call with its connection lost: evict the worker (so no
   * session lands there) and free the slot; the next call places the session again.
   */
  abandon(session: Session): void {
    if (!session.workerId) return;
    if (!this.#localLoad.has(session.workerId)) {
      this.#remote?.evict(session.workerId, `call for session ${session.id} lost the connection`);
    }
    this.release(session.id, session.workerId);
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
