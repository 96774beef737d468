import type { Limits } from "../../config/mod.ts";
import { CodegenError } from "../../core/mod.ts";
import type { TaskContext } from "../context.ts";

/**
 * A Python call's time limit, counted from when the call reached the worker: the time it
 * waits for one of the session's run slots, or behind the session's earlier stateful calls,
 * is part of it, so no call outlasts the timeout its caller gave by more than the time its
 * sandbox takes to stop.
 */
export class CallDeadline {
  /** The call's whole time limit. */
  readonly timeoutMs: number;
  readonly #start: number;
  /** When the sandbox got the call (see {@link startNow}), in ms after the start. */
  #startedAfterMs = 0;

  constructor(ctx: Pick<TaskContext, "startedAt">, timeoutMs: number) {
    this.timeoutMs = timeoutMs;
    this.#start = ctx.startedAt ?? performance.now();
  }

  /** How long the call has waited or run so far, in ms. */
  elapsedMs(): number {
    return performance.now() - this.#start;
  }

  /** What is left of the limit, in whole ms (0 once it has passed). */
  leftMs(): number {
    return Math.max(0, Math.floor(this.timeoutMs - this.elapsedMs()));
  }

  /**
   * What is left for the sandbox about to start; throws {@link waitedTooLong} when the
   * wait for its turn, for `waitedFor`, used it all.
   */
  startNow(waitedFor: string): number {
    this.#startedAfterMs = this.elapsedMs();
    const left = this.leftMs();
    if (left > 0) return left;
    throw this.waitedTooLong(waitedFor);
  }

  /** The TIMEOUT of a call whose wait for `waitedFor` used its whole limit: nothing ran. */
  waitedTooLong(waitedFor: string): CodegenError {
    return new CodegenError(
      "TIMEOUT",
      `The call waited its whole timeout (${seconds(this.timeoutMs)} s) for ${waitedFor} ` +
        "and did not start; retry when they have finished, or give a longer timeout_seconds",
      { retriable: true },
    );
  }

  /** " (N s of it waiting for its turn)" when the call waited a noticeable time, else "". */
  waitNote(startedAfterMs: number = this.#startedAfterMs): string {
    return startedAfterMs >= 1000
      ? ` (${seconds(startedAfterMs)} s of it waiting for its turn)`
      : "";
  }
}

/**
 * `timeout_seconds` as ms: the default when absent, INVALID_ARGUMENT unless above 0 and at
 * most the maximum. One rule for run.python and test.run.
 */
export function runTimeoutMs(seconds: unknown, limits: Limits): number {
  if (seconds === undefined) return limits.runTimeoutDefaultSeconds * 1000;
  if (typeof seconds !== "number" || !(seconds > 0) || seconds > limits.runTimeoutMaxSeconds) {
    throw new CodegenError(
      "INVALID_ARGUMENT",
      `Cannot use timeout_seconds ${JSON.stringify(seconds)}: it must be above 0 and at most ` +
        `${limits.runTimeoutMaxSeconds}`,
    );
  }
  return Math.round(seconds * 1000);
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/**
 * The time limit of a task that runs code, in ms, or undefined for other tools (and for a
 * `timeout_seconds` the tool itself will refuse): run.python and test.run take theirs,
 * pkg.install has RUN_TIMEOUT_MAX. The wait before such a task starts counts against it.
 */
export function taskTimeLimitMs(
  task: { tool: string; args: unknown },
  limits: Limits,
): number | undefined {
  if (task.tool === "pkg.install") return limits.runTimeoutMaxSeconds * 1000;
  if (task.tool !== "run.python" && task.tool !== "test.run") return undefined;
  try {
    return runTimeoutMs((task.args as { timeout_seconds?: unknown }).timeout_seconds, limits);
  } catch {
    return undefined;
  }
}
