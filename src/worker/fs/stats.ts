import { getLogger } from "../../core/mod.ts";
import type { TaskOutcome, WorkspaceStatsArgs } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { throwIfAborted } from "./_common.ts";
import { walk } from "./walk.ts";

const log = getLogger("worker", "fs");

/** Most entries a workspace walk (or a recursive fs.list) visits, per fs.list entry allowed. */
export const VISIT_FACTOR = 100;

/** What {@link sumWorkspace} found. */
export interface WorkspaceSum {
  bytes: number;
  files: number;
  /** False when the walk stopped at `maxVisits`: the figures are lower bounds. */
  complete: boolean;
  visited: number;
}

/**
 * Total bytes and count of regular files under `root` (a real path), found by a walk
 * bounded by `maxVisits` that never follows symlinks (a link counts as neither).
 */
export async function sumWorkspace(
  root: string,
  options: { maxVisits: number; signal?: AbortSignal },
): Promise<WorkspaceSum> {
  let bytes = 0;
  let files = 0;
  const walked = await walk(root, {
    recursive: true,
    maxVisits: options.maxVisits,
    ...(options.signal ? { signal: options.signal } : {}),
    async visit(entry) {
      if (!entry.isFile) return true;
      const info = await Deno.lstat(entry.host).catch(() => null);
      if (info?.isFile) {
        files++;
        bytes += info.size;
      }
      return true;
    },
  });
  return { bytes, files, complete: walked.complete, visited: walked.visited };
}

/**
 * workspace.stats: total bytes and count of regular files in the workspace (see
 * {@link sumWorkspace}); a complete walk also refreshes the session's usage record.
 */
export async function workspaceStats(
  ctx: TaskContext,
  _args: WorkspaceStatsArgs,
): Promise<TaskOutcome<"workspace.stats">> {
  throwIfAborted(ctx);
  const sum = await sumWorkspace(ctx.workspace, {
    maxVisits: ctx.limits.maxListEntries * VISIT_FACTOR,
    signal: ctx.signal,
  });
  if (sum.complete) ctx.usage?.set(sum.bytes);
  else {
    const data = `workspace.stats stopped after ${sum.visited} entries; figures are lower bounds`;
    log.warn(data);
    ctx.emit({ type: "log", stream: "system", level: "warning", data });
  }
  return { ok: true, result: { workspace_bytes: sum.bytes, file_count: sum.files } };
}
