/**
 * Which workers keep missing their answer deadlines on a live connection. One session's
 * slow task must not take a worker that serves others out of rotation, but a worker whose
 * tasks stop answering for several sessions (hung, though it still answers keepalives and
 * heartbeats) must be, or every call placed there fails after its limit and a grace.
 * @module
 */

/** Distinct sessions whose tasks missed their deadline on one worker before it is evicted. */
export const MISSED_DEADLINE_SESSIONS = 3;
/** How long a miss counts. */
const WINDOW_MS = 10 * 60_000;
/** Most workers remembered (the oldest first forgotten). */
const MAX_WORKERS = 1_000;

/** Misses per worker, by session, within the window. */
export class MissedDeadlines {
  #misses = new Map<string, Map<string, number>>();
  #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Counts a miss; true when `workerId` has now missed for enough distinct sessions. */
  note(workerId: string, sessionId: string): boolean {
    const now = this.#now();
    const bySession = this.#misses.get(workerId) ?? new Map<string, number>();
    this.#misses.delete(workerId);
    for (const [id, at] of bySession) if (now - at > WINDOW_MS) bySession.delete(id);
    bySession.delete(sessionId);
    bySession.set(sessionId, now);
    if (bySession.size >= MISSED_DEADLINE_SESSIONS) return true;
    if (this.#misses.size >= MAX_WORKERS) {
      this.#misses.delete(this.#misses.keys().next().value!);
    }
    this.#misses.set(workerId, bySession);
    return false;
  }

  /** Forgets a worker (evicted, or gone). */
  forget(workerId: string): void {
    this.#misses.delete(workerId);
  }
}
