/**
 * A bound on the bytes of arguments that calls in flight hold in memory, over the whole
 * process and per session. A call keeps its arguments (a run's `code`, a write's
 * `contents`) from its arrival until it ends, and calls that wait their turn (a session's
 * stateful runs, one at a time) can wait for minutes: one session posting a few hundred
 * waiting runs of 8 MiB each ran the coordinator out of heap, ending every session. The
 * per-session share keeps one session from taking the whole budget from the others.
 * @module
 */
import { CodegenError } from "../core/mod.ts";

/** Calls carrying less than this are not counted: their sum is bounded by requests in flight. */
export const COUNTED_FROM_BYTES = 64 * 1024;

/** The argument fields that can be large; every other field's size is bounded by its schema. */
const LARGE_FIELDS = ["code", "contents", "stdin", "message"] as const;

/** Bytes of memory a call's large arguments hold (a string's length: one byte a character or more). */
export function heldArgumentBytes(args: Record<string, unknown>): number {
  let bytes = 0;
  for (const field of LARGE_FIELDS) {
    const value = args[field];
    if (typeof value === "string") bytes += value.length;
  }
  return bytes;
}

/** The process's budget: `total` over all sessions, at most `perSession` for one. */
export class ArgumentBudget {
  #used = 0;
  #bySession = new Map<string, number>();

  constructor(readonly total: number, readonly perSession: number) {}

  /** Bytes held now, over all sessions. */
  get used(): number {
    return this.#used;
  }

  /**
   * Takes `bytes` for a call of `session` and returns what gives them back (call it once,
   * when the call ends), or throws a retriable LIMIT_EXCEEDED when they do not fit.
   */
  take(session: string, bytes: number): () => void {
    if (bytes < COUNTED_FROM_BYTES) return () => {};
    const mine = this.#bySession.get(session) ?? 0;
    if (mine + bytes > this.perSession || this.#used + bytes > this.total) {
      const which = mine + bytes > this.perSession
        ? `this session's calls in flight already hold ${mib(mine)} of the ` +
          `${mib(this.perSession)} of arguments one session may hold`
        : `calls in flight already hold ${mib(this.#used)} of the ` +
          `${mib(this.total)} of arguments the server holds at once`;
      throw new CodegenError(
        "LIMIT_EXCEEDED",
        `The call's ${mib(bytes)} of arguments do not fit: ${which}; retry once some ` +
          "of them have finished",
        { retriable: true },
      );
    }
    this.#used += bytes;
    this.#bySession.set(session, mine + bytes);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.#used -= bytes;
      const left = (this.#bySession.get(session) ?? bytes) - bytes;
      if (left > 0) this.#bySession.set(session, left);
      else this.#bySession.delete(session);
    };
  }
}

/**
 * The default budget for a server whose largest argument is `maxArgumentBytes`: 512 MiB or
 * 32 of the largest arguments, whichever is more, and a quarter of that for one session.
 */
export function defaultArgumentBudget(maxArgumentBytes: number): ArgumentBudget {
  const total = Math.max(512 * 1024 * 1024, 32 * maxArgumentBytes);
  return new ArgumentBudget(total, Math.floor(total / 4));
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024) * 10) / 10} MiB`;
}
