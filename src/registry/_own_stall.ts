/**
 * Notices that this process itself did not run for a while (stopped, swapped out, a long
 * pause): the heartbeats workers sent meanwhile are still waiting to be read, so their
 * silence is not theirs. Measured on the process's own monotonic time, never on the
 * registry's clock (which tests move by hand).
 * @module
 */
export class OwnStall {
  readonly #thresholdMs: number;
  readonly #graceMs: number;
  readonly #spacingMs: number;
  readonly #now: () => number;
  #last: number;
  #graceUntil = -Infinity;
  #graceAt = -Infinity;

  /**
   * A gap of more than `thresholdMs` between two looks is a stall; silence does not count
   * for `graceMs` after one. At most one grace starts per `spacingMs`, so stalls that keep
   * coming cannot keep a dead worker registered.
   */
  constructor(
    options: { thresholdMs: number; graceMs: number; spacingMs: number },
    now: () => number = () => performance.now(),
  ) {
    this.#thresholdMs = options.thresholdMs;
    this.#graceMs = options.graceMs;
    this.#spacingMs = options.spacingMs;
    this.#now = now;
    this.#last = now();
  }

  /** Called at each look at the workers' silence; true while it must not count. */
  excused(): boolean {
    const now = this.#now();
    if (now - this.#last > this.#thresholdMs && now - this.#graceAt >= this.#spacingMs) {
      this.#graceAt = now;
      this.#graceUntil = now + this.#graceMs;
    }
    this.#last = now;
    return now < this.#graceUntil;
  }
}
