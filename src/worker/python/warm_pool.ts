import { getLogger } from "../../core/mod.ts";

const log = getLogger("worker", "python");

/** Options for {@link WarmPool}. */
export interface WarmPoolOptions {
  /** A spare unused this long is stopped. Default 5 minutes. */
  idleMs?: number;
  /** Most spares kept at once (oldest stopped first). Default 32. */
  maxSpares?: number;
  /** Runs `fn` after `ms`; returns a cancel. Default: an unref'd `setTimeout`. */
  schedule?: (fn: () => void, ms: number) => () => void;
}

/** Counters for tests and metrics. */
export interface WarmPoolStats {
  /** Runs that took a pre-started interpreter. */
  hits: number;
  /** Runs that had to start one. */
  misses: number;
  /** Spares waiting now. */
  spares: number;
}

/** What the pool keeps: anything that can tell whether it is usable and be stopped. */
export interface PoolMember {
  readonly alive: boolean;
  dispose(): Promise<void>;
}

interface Spare<T> {
  proc: T;
  /** What the spare was started for (e.g. with or without the venv). */
  fingerprint: string;
  cancelIdle: () => void;
}

/**
 * One pre-started sandboxed interpreter (a fork server) per recently active session, so
 * interpreter start-up is off the request path. A run takes the session's spare and puts
 * it back when done; a spare that died is replaced in the background; spares of idle
 * sessions are stopped. Concurrent runs of one session start their own.
 */
export class WarmPool<T extends PoolMember> {
  #idleMs: number;
  #max: number;
  #schedule: (fn: () => void, ms: number) => () => void;
  #spares = new Map<string, Spare<T>>();
  #starting = new Map<string, Promise<void>>();
  /** Bumped to disown starts already in flight when a session is invalidated. */
  #epoch = new Map<string, number>();
  /** Disposals in flight, awaited by close(). */
  #disposing = new Set<Promise<void>>();
  #closed = false;
  #hits = 0;
  #misses = 0;

  constructor(options: WarmPoolOptions = {}) {
    this.#idleMs = options.idleMs ?? 5 * 60_000;
    this.#max = options.maxSpares ?? 32;
    this.#schedule = options.schedule ?? unrefTimeout;
  }

  /**
   * The session's generation: {@link WarmPool.put} refuses a member taken or started
   * before the session was last invalidated.
   */
  epoch(sessionId: string): number {
    return this.#epoch.get(sessionId) ?? 0;
  }

  /** Takes the session's spare if it is alive and was started for `fingerprint`. */
  take(sessionId: string, fingerprint: string): T | undefined {
    const spare = this.#spares.get(sessionId);
    if (spare) this.#drop(sessionId, spare);
    if (spare && spare.proc.alive && spare.fingerprint === fingerprint) {
      this.#hits++;
      return spare.proc;
    }
    if (spare) this.#dispose(spare.proc);
    this.#misses++;
    return undefined;
  }

  /**
   * Gives a member back after a run. It becomes the session's spare if it is still usable,
   * of the session's current `epoch`, and the session has none; otherwise it is stopped.
   */
  put(sessionId: string, fingerprint: string, proc: T, epoch: number): void {
    const current = !this.#closed && epoch === this.epoch(sessionId) && proc.alive;
    if (!current || this.#spares.has(sessionId) || this.#starting.has(sessionId)) {
      this.#dispose(proc);
      return;
    }
    this.#add(sessionId, { proc, fingerprint });
  }

  /** Starts a spare for the session in the background unless one exists or is starting. */
  refill(sessionId: string, fingerprint: string, start: () => Promise<T>): void {
    if (this.#closed || this.#spares.has(sessionId) || this.#starting.has(sessionId)) return;
    const epoch = this.#epoch.get(sessionId) ?? 0;
    const starting = start().then(
      async (proc) => {
        if (this.#closed || (this.#epoch.get(sessionId) ?? 0) !== epoch) {
          await proc.dispose();
          return;
        }
        this.#add(sessionId, { proc, fingerprint });
      },
      (err) => log.warn("Could not pre-start an interpreter: {error}", { error: String(err) }),
    ).finally(() => this.#starting.delete(sessionId));
    this.#starting.set(sessionId, starting);
  }

  /** Stops the session's spare (its environment changed, or the session closed). */
  async invalidate(sessionId: string): Promise<void> {
    this.#epoch.set(sessionId, (this.#epoch.get(sessionId) ?? 0) + 1);
    const spare = this.#spares.get(sessionId);
    if (spare) {
      this.#drop(sessionId, spare);
      await spare.proc.dispose();
    }
  }

  /** Stops the session's spare and forgets the session. */
  async closeSession(sessionId: string): Promise<void> {
    await this.invalidate(sessionId);
    await this.#starting.get(sessionId);
    this.#epoch.delete(sessionId);
  }

  /** Resolves once any spare being started for the session is ready (or failed). */
  async ready(sessionId: string): Promise<void> {
    await this.#starting.get(sessionId);
  }

  stats(): WarmPoolStats {
    return { hits: this.#hits, misses: this.#misses, spares: this.#spares.size };
  }

  /** Stops every spare and refuses new ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#starting.values()]);
    const spares = [...this.#spares.entries()];
    for (const [id, spare] of spares) this.#drop(id, spare);
    for (const [, spare] of spares) this.#dispose(spare.proc);
    await Promise.all([...this.#disposing]);
  }

  #dispose(proc: T): void {
    const done = proc.dispose().finally(() => this.#disposing.delete(done));
    this.#disposing.add(done);
  }

  #add(sessionId: string, spare: Omit<Spare<T>, "cancelIdle">): void {
    while (this.#spares.size >= this.#max) {
      const [oldestId, oldest] = this.#spares.entries().next().value!;
      this.#drop(oldestId, oldest);
      this.#dispose(oldest.proc);
    }
    const cancelIdle = this.#schedule(() => {
      const current = this.#spares.get(sessionId);
      if (current?.proc !== spare.proc) return;
      this.#drop(sessionId, current);
      this.#dispose(current.proc);
    }, this.#idleMs);
    this.#spares.set(sessionId, { ...spare, cancelIdle });
  }

  #drop(sessionId: string, spare: Spare<T>): void {
    spare.cancelIdle();
    if (this.#spares.get(sessionId) === spare) this.#spares.delete(sessionId);
  }
}

function unrefTimeout(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  // an idle spare must not keep the worker alive
  Deno.unrefTimer(timer as unknown as number);
  return () => clearTimeout(timer);
}
