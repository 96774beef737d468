/**
 * How long the coordinator waits for a remote worker's answer to a task. The connection's
 * watchdog notices a worker that is gone, not one that is connected and never answers (hung,
 * or broken): without a deadline such a call waited until someone killed the worker. A task
 * gets its own time limit (`timeout_seconds`, or the worker's default for a run) plus a
 * grace for the worker to report, or a fixed allowance for the tools without one.
 * @module
 */
import type { SessionLimits, TaskOutcome, TaskRequest } from "../rpc/mod.ts";

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
      resolve({
        ok: false,
        error: {
          code: "WORKER_UNAVAILABLE",
          message: `Worker "${what.workerId}" did not answer within ${seconds} s ` +
            "(the task's time limit and a grace); it may still be running there",
          retriable: true,
        },
      });
    }, ms);
  });
  run.catch(() => {}); // a late failure has no one to tell
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}
