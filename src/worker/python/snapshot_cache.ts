import type { TaskContext } from "../context.ts";
import type { WorkspaceSnapshot } from "./snapshot.ts";

/**
 * The workspace snapshot each session's last run.python took when it ended, offered as the
 * next run's "before" when no other task of the session started or ran in between: the
 * workspace is then as that snapshot saw it, and a run skips one walk of the workspace.
 * Code a stateful interpreter left running (a thread, a child process) may still change
 * files between calls; those changes are then reported by the next call.
 */
export class SnapshotCache {
  #kept = new Map<string, { snapshot: WorkspaceSnapshot; mark: number }>();

  /** The snapshot to use as this run's "before", if it is still true; used once. */
  take(ctx: TaskContext): WorkspaceSnapshot | undefined {
    const kept = this.#kept.get(ctx.sessionId);
    this.#kept.delete(ctx.sessionId);
    return kept && ctx.activity?.nextAfter(kept.mark) ? kept.snapshot : undefined;
  }

  /** Keeps the snapshot a run took as it ended, unless another task overlapped it. */
  keep(ctx: TaskContext, snapshot: WorkspaceSnapshot): void {
    if (ctx.activity?.alone()) {
      this.#kept.set(ctx.sessionId, { snapshot, mark: ctx.activity.mark });
    } else this.#kept.delete(ctx.sessionId);
  }

  /** Drops the session's snapshot (the session ended). */
  forget(sessionId: string): void {
    this.#kept.delete(sessionId);
  }
}
