import { CodegenError } from "../core/mod.ts";
import type { TaskError } from "../rpc/mod.ts";

/** A task that did not finish because it was stopped. */
export interface StoppedOutcome {
  ok: false;
  error: TaskError;
}

/**
 * The outcome of a task stopped through `signal`. A reason that is a `CodegenError` other
 * than CANCELLED says why (a draining worker stops its tasks with a retriable
 * WORKER_UNAVAILABLE, which must not read as the caller's cancel); anything else is the
 * caller's cancel, reported as CANCELLED with `message`.
 */
export function stoppedOutcome(signal: AbortSignal, message: string): StoppedOutcome {
  const reason: unknown = signal.reason;
  if (reason instanceof CodegenError && reason.code !== "CANCELLED") {
    return { ok: false, error: reason.toPlain() };
  }
  return { ok: false, error: { code: "CANCELLED", message, retriable: false } };
}
