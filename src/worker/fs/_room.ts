import type { TaskContext } from "../context.ts";
import { failure, type Op } from "./_common.ts";

/**
 * Counts `delta` more bytes in the session's workspace, first refusing with LIMIT_EXCEEDED
 * when a growth would take it over MAX_WORKSPACE_BYTES (a shrink is always allowed).
 * Returns the undo, for a write that then fails. Without a usage record (unit tests) it
 * checks nothing.
 */
export async function reserveRoom(
  ctx: TaskContext,
  delta: number,
  op: Op,
): Promise<() => void> {
  const usage = ctx.usage;
  if (!usage) return () => {};
  if (delta > 0) {
    const bytes = await usage.bytes();
    // checked and counted with no await between, so concurrent writes cannot both fit
    if (bytes + delta > usage.limit) {
      const detail = `the workspace would hold ${bytes + delta} bytes, over its limit of ` +
        `${usage.limit} (MAX_WORKSPACE_BYTES); delete files to make room`;
      throw failure("LIMIT_EXCEEDED", detail, op);
    }
  }
  usage.add(delta);
  return () => usage.add(-delta);
}
