import { type Clock, SYSTEM_CLOCK } from "../core/mod.ts";

/** Options for {@link TokenRefusals}. */
export interface TokenRefusalsOptions {
  /** Time source. Default: the system clock. */
  clock?: Clock;
  /** How long a refusal is remembered. Default 1 minute. */
  ttlMs?: number;
  /** How many workers are remembered at most; the oldest is forgotten first. Default 1,000. */
  maxEntries?: number;
}

/**
 * Workers whose token refused the coordinator's calls, by worker id and address, with the
 * token fingerprint they registered with. Bounded in time and size: worker ids come and go
 * (pods with random names), and a forgotten worker only costs one more refused call. With a
 * coordinator token set every accepted registration carries the same fingerprint, so the
 * address and the short time are what let a worker fixed since (moved, or restarted with
 * the right token) back in: one refused call must not shut a worker id out for long.
 */
export class TokenRefusals {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #max: number;
  // insertion order is refusal order (an entry is re-inserted when refused again)
  readonly #entries = new Map<string, { fingerprint: string; atMono: number }>();

  constructor(options: TokenRefusalsOptions = {}) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#max = Math.max(1, options.maxEntries ?? 1_000);
  }

  /** How many workers are remembered. */
  get size(): number {
    this.#expire();
    return this.#entries.size;
  }

  /** Remembers that `workerId` at `address`, registered with `fingerprint`, refused our token. */
  refuse(workerId: string, address: string, fingerprint: string): void {
    const key = keyOf(workerId, address);
    this.#entries.delete(key);
    this.#entries.set(key, { fingerprint, atMono: this.#clock.monotonic() });
    this.#expire();
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(oldest);
    }
  }

  /** Whether `workerId` at `address` registering with `fingerprint` is known to refuse our token. */
  refuses(workerId: string, address: string, fingerprint: string): boolean {
    this.#expire();
    return this.#entries.get(keyOf(workerId, address))?.fingerprint === fingerprint;
  }

  /** Forgets `workerId` at `address` (it registered with another token). */
  forget(workerId: string, address: string): void {
    this.#entries.delete(keyOf(workerId, address));
  }

  // Oldest first, so this stops at the first entry still young: O(1) when nothing expired.
  #expire(): void {
    const cutoff = this.#clock.monotonic() - this.#ttlMs;
    for (const [key, entry] of this.#entries) {
      if (entry.atMono > cutoff) break;
      this.#entries.delete(key);
    }
  }
}

// ids and addresses hold no newline
function keyOf(workerId: string, address: string): string {
  return `${workerId}\n${address}`;
}
