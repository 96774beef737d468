// Outcomes a caller of a remote task builds itself, for both ways of sending tasks.
import type { CodegenError, ErrorCode } from "../core/mod.ts";
import type { TaskOutcome } from "./tasks.ts";

/** A task that did not run to an outcome of its own; a lost worker is retriable. */
export function failedOutcome(
  code: ErrorCode,
  message: string,
  retriable = code === "WORKER_UNAVAILABLE",
): TaskOutcome {
  return { ok: false, error: { code, message, retriable } };
}

/** A task that could not run because of `error` (a failed call's status, say). */
export function errorOutcome(error: CodegenError): TaskOutcome {
  return { ok: false, error: error.toPlain() };
}

/** The connection to the worker at `address` was lost with the task on it (retriable). */
export function lostWorkerOutcome(address: string): TaskOutcome {
  return failedOutcome("WORKER_UNAVAILABLE", `Lost the connection to worker ${address}`);
}

/** The caller cancelled the task. */
export function cancelledOutcome(): TaskOutcome {
  return failedOutcome("CANCELLED", "Task cancelled");
}
