import { type Clock, CodegenError, SYSTEM_CLOCK } from "../../core/mod.ts";

/** A running task's hold on the worker; `end()` releases it (idempotent). */
export interface TaskSlot {
  signal: AbortSignal;
  end(): void;
}

/**
 * What a remote worker is doing: its sessions (bounded by max sessions), its running tasks
 * (cancellable by id), and whether it is draining (refusing new work).
 */
export class WorkerLoad {
  #maxSessions: number;
  #clock: Clock;
  /** Session id → when it was last used (monotonic ms) and how many tasks it runs. */
  #sessions = new Map<string, { lastUsed: number; running: number }>();
  #tasks = new Map<string, Set<AbortController>>();
  #taskCount = 0;
  #draining = false;
  #idle: (() => void)[] = [];

  constructor(maxSessions: number, options: { clock?: Clock } = {}) {
    this.#maxSessions = maxSessions;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  get activeSessions(): number {
    return this.#sessions.size;
  }
  get activeTasks(): number {
    return this.#taskCount;
  }
  get draining(): boolean {
    return this.#draining;
  }

  #refuseIfDraining(what: string): void {
    if (this.#draining) {
      throw new CodegenError("WORKER_UNAVAILABLE", `Cannot ${what}: the worker is draining`, {
        retriable: true,
        workerLeaving: true,
      });
    }
  }

  /** Counts `sessionId` as hosted; throws LIMIT_EXCEEDED past max sessions. */
  admitSession(sessionId: string): void {
    const known = this.#sessions.get(sessionId);
    if (known) {
      known.lastUsed = this.#clock.monotonic();
      return;
    }
    this.#refuseIfDraining(`start session "${sessionId}"`);
    if (this.#sessions.size >= this.#maxSessions) {
      throw new CodegenError(
        "LIMIT_EXCEEDED",
        `Cannot start session "${sessionId}": the worker hosts its maximum of ${this.#maxSessions} sessions`,
      );
    }
    this.#sessions.set(sessionId, { lastUsed: this.#clock.monotonic(), running: 0 });
  }

  /**
   * Counts the hosted sessions among `sessionIds` as used now: the coordinator still serves
   * them, though their calls may not have reached this worker for a while.
   */
  keepAlive(sessionIds: readonly string[]): void {
    const now = this.#clock.monotonic();
    for (const id of sessionIds) {
      const known = this.#sessions.get(id);
      if (known) known.lastUsed = now;
    }
  }

  /** Sessions with no running task, unused for at least `idleMs`. */
  idleSessions(idleMs: number): string[] {
    const now = this.#clock.monotonic();
    return [...this.#sessions].filter(([, s]) => s.running === 0 && now - s.lastUsed >= idleMs)
      .map(([id]) => id);
  }

  /** Forgets a session (after it was destroyed). */
  dropSession(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  /** Registers a running task; aborting `callerSignal` or cancelling `taskId` aborts it. */
  beginTask(sessionId: string, taskId: string, callerSignal: AbortSignal): TaskSlot {
    this.#refuseIfDraining(`run a task`);
    this.admitSession(sessionId);
    const session = this.#sessions.get(sessionId)!;
    session.running++;
    const controller = new AbortController();
    const onAbort = () => controller.abort(callerSignal.reason);
    if (callerSignal.aborted) onAbort();
    else callerSignal.addEventListener("abort", onAbort, { once: true });
    const group = this.#tasks.get(taskId) ?? new Set();
    group.add(controller);
    this.#tasks.set(taskId, group);
    this.#taskCount++;
    let ended = false;
    return {
      signal: controller.signal,
      end: () => {
        if (ended) return;
        ended = true;
        session.running--;
        session.lastUsed = this.#clock.monotonic();
        callerSignal.removeEventListener("abort", onAbort);
        group.delete(controller);
        if (group.size === 0 && this.#tasks.get(taskId) === group) this.#tasks.delete(taskId);
        if (--this.#taskCount === 0) { for (const wake of this.#idle.splice(0)) wake(); }
      },
    };
  }

  /** Aborts the tasks running under `taskId`; whether there were any. */
  cancelTask(taskId: string, reason?: unknown): boolean {
    const group = this.#tasks.get(taskId);
    if (!group) return false;
    const why = reason ?? new CodegenError("CANCELLED", `Task "${taskId}" was cancelled`);
    for (const c of group) c.abort(why);
    return true;
  }

  /** Refuses new sessions and tasks from now on. */
  startDraining(): void {
    this.#draining = true;
  }

  /** Waits until no task runs, or `graceMs` passes; whether all finished in time. */
  waitForTasks(graceMs: number): Promise<boolean> {
    if (this.#taskCount === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#idle = this.#idle.filter((w) => w !== wake);
        resolve(false);
      }, graceMs);
      this.#idle.push(wake);
    });
  }

  /** Aborts every running task. */
  cancelAll(reason: unknown): void {
    for (const id of [...this.#tasks.keys()]) this.cancelTask(id, reason);
  }
}
