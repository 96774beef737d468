/**
 * Runs async jobs one at a time in the order they were queued, so concurrent appends
 * extend the chain in call order. A failed job rejects its own caller only.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every job queued so far has settled. */
  async drain(): Promise<void> {
    await this.#tail;
  }
}
