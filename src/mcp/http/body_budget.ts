/** Default for {@link BodyBudget}'s `max`: 256 MiB of request bodies read at once. */
export const MAX_BODY_BYTES_TOTAL = 256 * 1024 * 1024;

/**
 * The bytes of request bodies an HTTP front holds while they arrive, over all requests.
 * Each body is bounded (`MAX_REQUEST_BYTES`) and has 60 s to arrive, but nothing bounded
 * how many arrive at once: 200 clients that each sent 15 MiB and stalled took the process
 * up by 3.2 GB in 9 s, and a thousand would take 16 GB. Past `max` a body is refused (503,
 * retry) rather than read.
 */
export class BodyBudget {
  readonly max: number;
  #held = 0;

  constructor(max: number = MAX_BODY_BYTES_TOTAL) {
    this.max = max;
  }

  /** Bytes held now. */
  get held(): number {
    return this.#held;
  }

  /** Whether `bytes` more fit; when they do they are held until {@link give}n back. */
  take(bytes: number): boolean {
    if (this.#held + bytes > this.max) return false;
    this.#held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#held -= bytes;
  }
}
