// Test helpers for remote workers: an executor whose tasks run until a test lets them go.
import { CodegenError, settlesWithin } from "../../core/mod.ts";
import type {
  ExecuteOptions,
  SessionLimits,
  TaskExecutor,
  TaskOutcome,
  TaskRequest,
} from "../../rpc/mod.ts";
import { stoppedOutcome } from "../cancelled.ts";

const LIMITS: SessionLimits = {
  max_file_bytes: 10,
  max_read_bytes: 10,
  max_list_entries: 10,
  run_timeout_seconds_default: 1,
  run_timeout_seconds_max: 2,
  output_limit_bytes: 10,
  max_workspace_bytes: 11,
};

/** A running task of a {@link GatedExecutor}. */
export interface GatedTask {
  sessionId: string;
  task: TaskRequest;
  signal: AbortSignal;
  /** Finishes the task successfully. */
  release(): void;
}

/**
 * Each `execute` emits one progress event, then waits until released (success) or aborted
 * (CANCELLED, or the abort's reason when it is another project error, as the executor
 * does). `started` hands each task to the test as it begins.
 */
export class GatedExecutor implements TaskExecutor {
  readonly sessions = new Set<string>();
  readonly tasks: GatedTask[] = [];
  #waiting: ((t: GatedTask) => void)[] = [];
  #destroyed: ((id: string) => void)[] = [];
  #saysWhy: boolean;
  closed = false;

  /** `saysWhy: false` reports every stop as CANCELLED, as an executor that forgot the rule. */
  constructor(options: { saysWhy?: boolean } = {}) {
    this.#saysWhy = options.saysWhy ?? true;
  }

  createSession(sessionId: string): Promise<void> {
    this.sessions.add(sessionId);
    return Promise.resolve();
  }
  destroySession(sessionId: string): Promise<void> {
    this.sessions.delete(sessionId);
    for (const wake of this.#destroyed.splice(0)) wake(sessionId);
    return Promise.resolve();
  }

  /** Resolves with the id of the next session destroyed. */
  nextDestroyed(): Promise<string> {
    return new Promise((resolve) => this.#destroyed.push(resolve));
  }
  limits(): SessionLimits {
    return LIMITS;
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Resolves with the next task to start (or one already started and not yet taken). */
  started(): Promise<GatedTask> {
    const pending = this.tasks.find((t) => !taken.has(t));
    if (pending) {
      taken.add(pending);
      return Promise.resolve(pending);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  execute(
    sessionId: string,
    task: TaskRequest,
    options: ExecuteOptions = {},
  ): Promise<TaskOutcome> {
    const signal = options.signal ?? new AbortController().signal;
    options.onEvent?.({ type: "progress", progress: 1, total: 2, message: "started" });
    return new Promise((resolve) => {
      // a stop reads as the executor reports it: CANCELLED, or the stop's own error
      const cancelled = () => {
        const stopped: TaskOutcome = {
          ok: false,
          error: { code: "CANCELLED", message: String(signal.reason), retriable: false },
        };
        resolve(this.#saysWhy ? stoppedOutcome(signal, stopped) : stopped);
      };
      if (signal.aborted) return cancelled();
      signal.addEventListener("abort", cancelled, { once: true });
      const gated: GatedTask = {
        sessionId,
        task,
        signal,
        release: () => {
          signal.removeEventListener("abort", cancelled);
          resolve({ ok: true, result: { workspace_bytes: 42, file_count: 1 } });
        },
      };
      this.tasks.push(gated);
      const waiter = this.#waiting.shift();
      if (waiter) {
        taken.add(gated);
        waiter(gated);
      }
    });
  }
}

const taken = new WeakSet<GatedTask>();

/** Rejects if `promise` takes longer than `ms` (bounds every wait in a test). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (!(await settlesWithin(promise, ms))) {
    throw new CodegenError("TIMEOUT", `${what} took over ${ms} ms`);
  }
  return promise;
}
