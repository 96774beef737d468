/**
 * How long the coordinator waits for a remote worker's answer to a task. The connection's
 * watchdog notices a worker that is gone, not one that is connected and never answers (hung,
 * or broken): without a deadline such a call waited until someone killed the worker. A task
 * gets its own time limit (`timeout_seconds`, or the worker's default for a run) plus a
 * grace for the worker to report, or a fixed allowance for the tools without one. A missed
 * deadline fails that call only: the worker stays registered and its sessions stay on it.
 * @module
 */
import type { SessionLimits, TaskError, TaskOutcome, TaskRequest } from "../rpc/mod.ts";

/** Past a task's own time limit, how long a worker may take to report. */
export const ANSWER_GRACE_MS = 30_000;
/** What a task without a time limit of its own (file tools, echo) may take. */
const UNTIMED_TASK_MS = 60_000;
const TIMED_TOOLS = new Set(["run.python", "test.run", "pkg.install"]);

/** The most a worker may take to answer `task`. */
export function answerDeadlineMs(
  task: TaskRequest,
  limits: SessionLimits,
  graceMs = ANSWER_GRACE_MS,
): number {
  if (!TIMED_TOOLS.has(task.tool)) return UNTIMED_TASK_MS + graceMs;
  const asked = (task.args as { timeout_seconds?: unknown }).timeout_seconds;
  const seconds = typeof asked === "number" && asked > 0
    ? Math.min(asked, limits.run_timeout_seconds_max)
    : limits.run_timeout_seconds_max;
  return seconds * 1000 + graceMs;
}

/** The errors {@link withAnswerDeadline} made: told apart from a lost worker by identity. */
const missed = new WeakSet<TaskError>();

/**
 * Whether `error` is a missed answer deadline rather than a lost or leaving worker: the
 * connection was still up (its keepalive fails a call on a dead or hung peer within
 * seconds), so the worker stays registered and the session stays where its files are.
 */
export function missedAnswerDeadline(error: TaskError): boolean {
  return missed.has(error);
}

/**
 * `run`'s outcome, or after `ms` a retriable WORKER_UNAVAILABLE saying the worker did not
 * answer; `abort` is then called (to cancel the task where it may still run) and a late
 * outcome is ignored.
 */
export function withAnswerDeadline(
  run: Promise<TaskOutcome>,
  ms: number,
  what: { workerId: string; abort: () => void },
): Promise<TaskOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<TaskOutcome>((resolve) => {
    timer = setTimeout(() => {
      what.abort();
      const seconds = Math.round(ms / 1000);
      const error: TaskError = {
        code: "WORKER_UNAVAILABLE",
        message: `Worker "${what.workerId}" did not answer within ${seconds} s ` +
          "(the task's time limit and a grace), though its connection is up: the task was " +
          "cancelled there and may have run in part; the session stays on that worker " +
          "with its files",
        retriable: true,
      };
      missed.add(error);
      resolve({ ok: false, error });
    }, ms);
  });
  run.catch(() => {}); // a late failure has no one to tell
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}
