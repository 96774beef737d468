/**
 * Picks which refusals get a log line: per caller host (or per kind) the 1st, 2nd, 4th,
 * 8th..., so a worker retrying with the wrong token, or a scanner, cannot flood the log.
 * Remembers at most `maxHosts` hosts (the oldest is forgotten first).
 */
export class RefusalLog {
  readonly #maxHosts: number;
  readonly #counts = new Map<string, number>();

  constructor(maxHosts = 1_000) {
    this.#maxHosts = Math.max(1, maxHosts);
  }

  /** Counts a refusal of a call from `peer` (`host:port`); the count when worth a line. */
  note(peer: string): number | undefined {
    return this.count(peer.replace(/:\d+$/, ""));
  }

  /** Counts one more refusal of kind `key`; the count when worth a line. */
  count(key: string): number | undefined {
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.delete(key);
    if (this.#counts.size >= this.#maxHosts) {
      this.#counts.delete(this.#counts.keys().next().value!);
    }
    this.#counts.set(key, count);
    return (count & (count - 1)) === 0 ? count : undefined;
  }
}
