/** Counts operations running now; a ready-made provider for an in-flight gauge. */
export class InFlight {
  #count = 0;

  /** Operations started and not yet settled. */
  get count(): number {
    return this.#count;
  }

  /** Runs `fn`, counting it until its promise settles (or it throws synchronously). */
  async track<T>(fn: () => Promise<T>): Promise<T> {
    this.#count++;
    try {
      return await fn();
    } finally {
      this.#count--;
    }
  }
}
