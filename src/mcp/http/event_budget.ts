/** Default for {@link EventBudget}'s `max`: 1 GiB over every event stream of an HTTP front. */
export const MAX_BUFFERED_BYTES_TOTAL = 1024 * 1024 * 1024;

/** What the budget needs of a stream that counts against it. */
export interface BudgetedStream {
  /** Bytes it holds now. */
  readonly queued: number;
  /** Drops what it holds (giving it back, synchronously) and ends, as past its own bound. */
  overflow(): void;
}

/**
 * The bytes of events every stream of one HTTP front holds for clients that do not read.
 * Each stream has its own bound, but a session may have 256 streams (one per POST) and the
 * front 1,000 sessions: a client that posts calls with large answers and reads none could
 * hold their product. Past `max` the stream holding the most ends, so the client that
 * reads least pays, and one that reads its streams holds almost nothing.
 */
export class EventBudget {
  readonly max: number;
  #held = 0;
  #streams = new Set<BudgetedStream>();

  constructor(max: number = MAX_BUFFERED_BYTES_TOTAL) {
    this.max = max;
  }

  /** Bytes held now over all streams. */
  get held(): number {
    return this.#held;
  }

  join(stream: BudgetedStream): void {
    this.#streams.add(stream);
  }

  leave(stream: BudgetedStream): void {
    this.#streams.delete(stream);
  }

  /** Counts `bytes` a stream now holds; past `max`, the largest holders end until under. */
  take(bytes: number): void {
    this.#held += bytes;
    while (this.#held > this.max) {
      let largest: BudgetedStream | undefined;
      for (const stream of this.#streams) {
        if (largest === undefined || stream.queued > largest.queued) largest = stream;
      }
      // a stream that holds nothing cannot give anything back: stop rather than spin
      if (largest === undefined || largest.queued === 0) return;
      // out of the set first: each turn removes one, so the loop ends whatever overflow does
      this.#streams.delete(largest);
      largest.overflow();
    }
  }

  /** Counts `bytes` a stream no longer holds (read by its client, or dropped). */
  give(bytes: number): void {
    this.#held -= bytes;
  }
}
