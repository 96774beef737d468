/**
 * Work started in the background (a closed connection's session ending, its workspace
 * removed) that a stop must wait for before it closes what that work needs (the workers).
 * @module
 */
import { getLogger, settlesWithin } from "../core/mod.ts";

const log = getLogger("app");

/** A set of pending endings; each leaves the set when it settles, failures logged. */
export class Endings {
  #pending = new Set<Promise<void>>();

  /** `what` names the work in the log when one fails or the wait gives up. */
  constructor(readonly what: string) {}

  get size(): number {
    return this.#pending.size;
  }

  add(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((err) => log.warn("{what} failed: {error}", { what: this.what, error: String(err) }))
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Resolves once every pending ending settled, or after `ms` (saying so). */
  async settled(ms: number): Promise<void> {
    if (this.#pending.size === 0) return;
    const all = Promise.allSettled([...this.#pending]).then(() => {});
    if (!(await settlesWithin(all, ms))) {
      log.warn("Stopped waiting after {ms} ms: {n} left ({what})", {
        ms,
        n: this.#pending.size,
        what: this.what,
      });
    }
  }
}
