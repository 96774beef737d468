import { type Clock, SYSTEM_CLOCK } from "../core/mod.ts";

/** Options for {@link TokenRefusals}. */
export interface TokenRefusalsOptions {
  /** Time source. Default: the system clock. */
  clock?: Clock;
  /** How long a refusal is remembered. Default 15 minutes. */
  ttlMs?: number;
  /** How many workers are remembered at most; the oldest is forgotten first. Default 1,000. */
  maxEntries?: number;
}

/**
 * Workers whose token refused the coordinator's calls, by worker id, with the token
 * fingerprint they registered with. Bounded in time and size: worker ids come and go (pods
 * with random names), and a forgotten worker only costs one more refused call.
 */
export class TokenRefusals {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #max: number;
  // insertion order is refusal order (an entry is re-inserted when refused again)
  readonly #entries = new Map<string, { fingerprint: string; atMono: number }>();

  constructor(options: TokenRefusalsOptions = {}) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#ttlMs = options.ttlMs ?? 15 * 60_000;
    this.#max = Math.max(1, options.maxEntries ?? 1_000);
  }

  /** How many workers are remembered. */
  get size(): number {
    this.#expire();
    return this.#entries.size;
  }

  /** Remembers that `workerId`, registered with `fingerprint`, refused our token. */
  refuse(workerId: string, fingerprint: string): void {
    this.#entries.delete(workerId);
    this.#entries.set(workerId, { fingerprint, atMono: this.#clock.monotonic() });
    this.#expire();
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(oldest);
    }
  }

  /** Whether `workerId` registering with `fingerprint` is known to refuse our token. */
  refuses(workerId: string, fingerprint: string): boolean {
    this.#expire();
    return this.#entries.get(workerId)?.fingerprint === fingerprint;
  }

  /** Forgets `workerId` (it registered with another token). */
  forget(workerId: string): void {
    this.#entries.delete(workerId);
  }

  // Oldest first, so this stops at the first entry still young: O(1) when nothing expired.
  #expire(): void {
    const cutoff = this.#clock.monotonic() - this.#ttlMs;
    for (const [workerId, entry] of this.#entries) {
      if (entry.atMono > cutoff) break;
      this.#entries.delete(workerId);
    }
  }
}
