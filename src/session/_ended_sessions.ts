import { getLogger } from "../core/mod.ts";
import type { SessionStore } from "./session_store.ts";

const log = getLogger("session");

/**
 * The sessions this process is ending or ended, so that each ends once whichever of a
 * close, a sweep or a lost record gets to it first, and their records' deletion: best
 * effort, as a session must end whether or not the store answers (its key's expiry bounds a
 * record left behind, and the next sweeps delete it again).
 */
export class EndedSessions {
  #store: SessionStore;
  #ending = new Set<string>();
  // ended since the current sweep listed its idle sessions: that listing may still hold them
  #ended = new Set<string>();
  // ended, their record not deleted (the store down): a listing may hold them until deleted
  #undeleted = new Set<string>();

  constructor(store: SessionStore) {
    this.#store = store;
  }

  /** Whether `id` is ending, or ended and maybe still listed by the store. */
  has(id: string): boolean {
    return this.#ending.has(id) || this.#ended.has(id) || this.#undeleted.has(id);
  }

  /** Marks `id` as ending; false when it already is or was ended (then do not end it). */
  begin(id: string): boolean {
    if (this.has(id)) return false;
    this.#ending.add(id);
    return true;
  }

  /** Deletes the record of `id`, which ended; never throws. */
  async finish(id: string): Promise<void> {
    try {
      await this.#store.delete(id);
      this.#ended.add(id);
    } catch (err) {
      this.#undeleted.add(id);
      log.warn("Deleting the record of session {id} failed: {error}", { id, error: String(err) });
    } finally {
      this.#ending.delete(id);
    }
  }

  /**
   * Before a sweep lists idle sessions: the records left behind are deleted again (until
   * the first failure: the store is still down), and the sessions ended before are
   * forgotten, as their records are gone from what the store lists now.
   */
  async beforeSweep(): Promise<void> {
    for (const id of [...this.#undeleted]) {
      try {
        await this.#store.delete(id);
      } catch {
        return;
      }
      this.#undeleted.delete(id);
    }
    this.#ended.clear();
  }
}
