import type { Session } from "./session.ts";

/**
 * Where sessions are kept: in memory for one coordinator, Redis when several share state.
 * Every method is async so either fits behind it.
 */
export interface SessionStore {
  get(id: string): Promise<Session | undefined>;
  /** Inserts or replaces the whole record. */
  put(session: Session): Promise<void>;
  delete(id: string): Promise<void>;
  /** Moves `lastActivityAt` forward; no-op for an unknown id. */
  touch(id: string, at: number): Promise<void>;
  /**
   * Sessions whose last activity is at or before `cutoff` (ms since epoch), among those this
   * coordinator may end: a shared store leaves out the ones another coordinator serves.
   */
  idleSince(cutoff: number): Promise<Session[]>;
  /** How many sessions are stored. */
  count(): Promise<number>;
  close(): Promise<void>;
}
