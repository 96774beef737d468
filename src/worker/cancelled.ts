import { CodegenError } from "../core/mod.ts";
import type { TaskOutcome, TaskTool } from "../rpc/mod.ts";

/**
 * `outcome`, unless it is a CANCELLED that came from a stop through `signal` whose reason
 * is a `CodegenError` other than CANCELLED: then that reason, which says why the task
 * stopped (a worker shutting down stops its tasks with a retriable WORKER_UNAVAILABLE, which
 * must not read as the caller's cancel). The executor applies it to every task, so a tool
 * only reports that it was stopped.
 */
export function stoppedOutcome<K extends TaskTool>(
  signal: AbortSignal,
  outcome: TaskOutcome<K>,
): TaskOutcome<K> {
  if (outcome.ok || outcome.error.code !== "CANCELLED" || !signal.aborted) return outcome;
  const reason: unknown = signal.reason;
  if (!(reason instanceof CodegenError) || reason.code === "CANCELLED") return outcome;
  return { ok: false, error: reason.toPlain() };
}
