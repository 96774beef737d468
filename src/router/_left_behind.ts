/**
 * Workspaces left on remote workers that were not registered when their session moved away
 * or ended, so nothing could remove them then. A worker removed while alive (silent past the
 * heartbeat timeout, or evicted) keeps them, each holding one of its slots, until it drops
 * sessions unused for hours; the router removes them once the worker registers again.
 * @module
 */
import { getLogger } from "../core/mod.ts";
import type { WorkerClient } from "./worker_client.ts";

const log = getLogger("router");

/** How many left-behind workspaces are remembered at most; past it the oldest are forgotten. */
export const LEFT_BEHIND_MAX = 10_000;

/** What a sweep needs of the remote workers (see `RemoteWorkers`). */
export interface SweptWorkers {
  /** A client for a registered worker; undefined (and nothing dialled) for another. */
  clientFor(workerId: string): Promise<WorkerClient | undefined>;
  /** The worker the session's slot is reserved on, if any. */
  workerOf(sessionId: string): string | undefined;
}

/** Removes a workspace no session uses any more; a failure leaves it to the worker's idle sweep. */
export async function discardWorkspace(client: WorkerClient, sessionId: string): Promise<void> {
  try {
    await client.destroySession(sessionId);
  } catch (err) {
    log.warn("Cannot remove session {id}'s old workspace on worker {worker}: {error}", {
      id: sessionId,
      worker: client.workerId,
      error: String(err),
    });
  }
}

/** Sessions to remove, per worker id, bounded in count. */
export class LeftBehind {
  #max: number;
  #sweep: Promise<void> | undefined;
  // insertion order is age order, for workers and for each worker's sessions
  #byWorker = new Map<string, Set<string>>();
  #count = 0;

  constructor(max = LEFT_BEHIND_MAX) {
    this.#max = max;
  }

  /** How many workspaces are remembered. */
  get size(): number {
    return this.#count;
  }

  /** Remembers that `sessionId`'s workspace on `workerId` is no longer any session's. */
  add(workerId: string, sessionId: string): void {
    let sessions = this.#byWorker.get(workerId);
    if (!sessions) this.#byWorker.set(workerId, sessions = new Set());
    if (sessions.has(sessionId)) return;
    sessions.add(sessionId);
    this.#count++;
    while (this.#count > this.#max) this.#dropOldest();
  }

  /** Forgets `sessionId` on `workerId`: the session was placed there again. */
  delete(workerId: string, sessionId: string): void {
    const sessions = this.#byWorker.get(workerId);
    if (!sessions?.delete(sessionId)) return;
    this.#count--;
    if (sessions.size === 0) this.#byWorker.delete(workerId);
  }

  /** The workers holding remembered workspaces. */
  workers(): string[] {
    return [...this.#byWorker.keys()];
  }

  /** The sessions remembered on `workerId`, forgotten here as they are handed out. */
  take(workerId: string): string[] {
    const sessions = this.#byWorker.get(workerId);
    if (!sessions) return [];
    this.#byWorker.delete(workerId);
    this.#count -= sessions.size;
    return [...sessions];
  }

  /**
   * Starts removing, in the background, the workspaces remembered on workers that are
   * registered again (one sweep at a time). Called on the router's calls: it hears of a
   * registration only when it asks for a worker's client.
   */
  sweep(remote: SweptWorkers): void {
    if (this.#sweep || this.#count === 0) return;
    this.#sweep = this.#removeOnReturned(remote).finally(() => this.#sweep = undefined);
  }

  /** Settles when the sweep under way (if any) has ended. */
  async settled(): Promise<void> {
    await this.#sweep;
  }

  async #removeOnReturned(remote: SweptWorkers): Promise<void> {
    for (const workerId of this.workers()) {
      const client = await remote.clientFor(workerId).catch(() => undefined);
      if (!client) continue;
      const sessions = this.take(workerId);
      for (const id of sessions) {
        // placed there again meanwhile: the workspace is the session's again
        if (remote.workerOf(id) !== workerId) await discardWorkspace(client, id);
      }
      log.info("Removed {count} workspace(s) left on worker {worker} while it was away", {
        count: sessions.length,
        worker: workerId,
      });
    }
  }

  #dropOldest(): void {
    const [workerId, sessions] = this.#byWorker.entries().next().value!;
    const [oldest] = sessions;
    this.delete(workerId, oldest!);
  }
}
