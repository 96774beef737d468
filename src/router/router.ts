import { CodegenError, getLogger } from "../core/mod.ts";
import type { SessionLimits } from "../rpc/mod.ts";
import type { Session } from "../session/mod.ts";
import type { WorkerClient } from "./worker_client.ts";

const log = getLogger("router");

/** Remote workers as the router sees them (backed by the registry and a gRPC client pool). */
export interface RemoteWorkers {
  /** Picks a worker with capacity and reserves a slot for the session. */
  reserve(sessionId: string): { ok: true; workerId: string } | { ok: false; reason: string };
  /** Frees the session's slot. */
  release(sessionId: string): void;
  /** A client for a registered worker, or undefined when it is gone. */
  clientFor(workerId: string): WorkerClient | undefined;
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
 * embedded workers first (fewest sessions), then remote workers through the registry.
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
      const client = this.#clientFor(session.workerId);
      if (client) return { client, session, placed: false };
      log.warn("Session {id} lost worker {worker}; placing it again", {
        id: session.id,
        worker: session.workerId,
      });
      this.#remote?.release(session.id);
      const placed = await this.#place({ ...session, rehomedFrom: session.workerId });
      return placed;
    }
    return await this.#place(session);
  }

  async #place(session: Session): Promise<Route> {
    const local = this.#leastLoadedLocal();
    let client: WorkerClient | undefined;
    if (local) {
      client = local;
      this.#localLoad.get(local.workerId)!.add(session.id);
    } else if (this.#remote) {
      const r = this.#remote.reserve(session.id);
      if (!r.ok) throw new CodegenError("WORKER_UNAVAILABLE", r.reason, { retriable: true });
      client = this.#remote.clientFor(r.workerId);
    }
    if (!client) {
      throw new CodegenError(
        "WORKER_UNAVAILABLE",
        "No worker with free capacity is registered; start a worker or try again shortly",
        {
          retriable: true,
        },
      );
    }
    try {
      await client.createSession(session.id);
    } catch (err) {
      this.release(session.id, client.workerId);
      throw CodegenError.from(err, "WORKER_UNAVAILABLE");
    }
    return { client, session: { ...session, workerId: client.workerId }, placed: true };
  }

  #leastLoadedLocal(): WorkerClient | undefined {
    let best: WorkerClient | undefined;
    for (const w of this.#local) {
      if (
        !best || this.#localLoad.get(w.workerId)!.size < this.#localLoad.get(best.workerId)!.size
      ) best = w;
    }
    return best;
  }

  #clientFor(workerId: string): WorkerClient | undefined {
    return this.#local.find((w) => w.workerId === workerId) ?? this.#remote?.clientFor(workerId);
  }

  /** Removes the session from its worker and frees its slot. */
  async endSession(session: Session): Promise<void> {
    if (!session.workerId) return;
    const client = this.#clientFor(session.workerId);
    try {
      await client?.destroySession(session.id);
    } finally {
      this.release(session.id, session.workerId);
    }
  }

  /** The limits of the session's worker (placing the session if needed). */
  async limitsFor(session: Session): Promise<SessionLimits> {
    const known = session.workerId ? this.#clientFor(session.workerId) : undefined;
    return (known ?? (await this.route(session)).client).limits();
  }

  /** Forgets the session's worker after it failed; the next call places the session again. */
  abandon(session: Session): Promise<void> {
    if (session.workerId) this.release(session.id, session.workerId);
    return Promise.resolve();
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
