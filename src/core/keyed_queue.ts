/**
 * Runs async jobs one at a time per key, in the order they were queued; jobs under
 * different keys run side by side. A key is forgotten once its last job settles, so the
 * queue holds only keys with work pending. A failed job rejects its own caller only.
 */
export class KeyedQueue {
  #tails = new Map<string, Promise<unknown>>();

  /** Whether a job under `key` is running or waiting. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Keys with work pending. */
  get size(): number {
    return this.#tails.size;
  }

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key);
    const result = before ? before.then(job) : job();
    const tail: Promise<unknown> = result.then(() => {}, () => {}).then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    this.#tails.set(key, tail);
    return result;
  }
}
