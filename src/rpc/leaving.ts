/**
 * How a worker that leaves on purpose (draining, shutting down) words the
 * WORKER_UNAVAILABLE it answers with. The coordinator tells that apart from a lost
 * connection: a leaving worker is not evicted (its other sessions' tasks may still be
 * finishing), only the session that met it moves on.
 * @module
 */

/** In the refusal of a draining worker. */
export const DRAINING = "the worker is draining";
/** In a task stopped, or a task start refused, by a worker shutting down. */
export const SHUTTING_DOWN = "is shutting down";

/** Whether a task error says its worker is leaving on purpose. */
export function workerIsLeaving(error: { code: string; message: string }): boolean {
  return error.code === "WORKER_UNAVAILABLE" &&
    (error.message.includes(DRAINING) || error.message.includes(SHUTTING_DOWN));
}
