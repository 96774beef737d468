import { CodegenError } from "../../core/mod.ts";

/** Sizes for {@link RunSlots.run}. */
export interface RunSlotOptions {
  /** Runs of the session that may hold a sandbox at once. */
  slots: number;
  /** Runs that may wait for a slot; one more is refused. Default `slots`. */
  maxWaiting?: number;
  /** Aborting gives up the wait (CANCELLED); a run that has its slot handles it itself. */
  signal?: AbortSignal;
  /**
   * The longest a run may wait, in ms, and the error it then gets (a run's timeout counts
   * its wait). Default: no limit.
   */
  waitLimit?: { ms: number; error: () => Error };
}

interface Session {
  running: number;
  /** Each waiting run's grant: called with the slot of a run that ended. */
  waiting: (() => void)[];
}

/**
 * Turns for one session's sandboxes: at most `slots` of its runs hold one at once, more
 * wait in the order they came, and past `maxWaiting` waiting a run is refused with
 * LIMIT_EXCEEDED (retriable). What sandboxes a session may have at once is what its
 * process limit is sized for (see `sandboxLimits`), so a run that has its turn can start.
 * A session is forgotten once it has nothing running or waiting.
 */
export class RunSlots {
  #sessions = new Map<string, Session>();

  /** Runs `fn` in one of the session's slots, waiting for one if need be. */
  async run<T>(sessionId: string, options: RunSlotOptions, fn: () => Promise<T>): Promise<T> {
    const session = this.#sessions.get(sessionId) ?? { running: 0, waiting: [] };
    this.#sessions.set(sessionId, session);
    if (session.running >= options.slots) await this.#wait(sessionId, session, options);
    else session.running++;
    try {
      return await fn();
    } finally {
      this.#release(sessionId, session);
    }
  }

  /** Runs holding a slot and runs waiting for one, for tests and metrics. */
  load(sessionId: string): { running: number; waiting: number } {
    const session = this.#sessions.get(sessionId);
    return { running: session?.running ?? 0, waiting: session?.waiting.length ?? 0 };
  }

  #wait(sessionId: string, session: Session, options: RunSlotOptions): Promise<void> {
    const { signal, slots, maxWaiting = slots } = options;
    if (signal?.aborted) throw cancelled();
    if (session.waiting.length >= maxWaiting) {
      this.#forgetIfIdle(sessionId, session);
      throw new CodegenError(
        "LIMIT_EXCEEDED",
        `Too many runs at once in this session (${session.running} running, ` +
          `${session.waiting.length} waiting); retry when one has finished`,
        { retriable: true },
      );
    }
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const giveUp = (error: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        session.waiting.splice(session.waiting.indexOf(waiter), 1);
        this.#forgetIfIdle(sessionId, session);
        reject(error);
      };
      const onAbort = () => giveUp(cancelled());
      // the slot passes straight from the run that ends to this one (running stays counted)
      const waiter = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      session.waiting.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      const limit = options.waitLimit;
      if (limit) timer = setTimeout(() => giveUp(limit.error()), limit.ms);
    });
  }

  #release(sessionId: string, session: Session): void {
    const next = session.waiting.shift();
    if (next) return next();
    session.running--;
    this.#forgetIfIdle(sessionId, session);
  }

  #forgetIfIdle(sessionId: string, session: Session): void {
    if (session.running === 0 && session.waiting.length === 0) this.#sessions.delete(sessionId);
  }
}

function cancelled(): CodegenError {
  return new CodegenError("CANCELLED", "Run was cancelled while waiting for its turn");
}
