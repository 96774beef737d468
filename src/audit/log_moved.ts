/**
 * The words every "log moved" failure carries: appends fail for good once the file at the
 * audit log's path is no longer the one opened, and only a restart opens the new one, so
 * callers told of it must not be told to retry.
 * @module
 */

/** Part of the message of an append refused because the log was renamed, removed or replaced. */
export const LOG_MOVED = "while open (renamed, deleted or rotated)";

/** Whether an append's failure message says the log moved (see {@link LOG_MOVED}). */
export function isLogMoved(message: string): boolean {
  return message.includes(LOG_MOVED);
}
