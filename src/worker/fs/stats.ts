import { CodegenError, getLogger } from "../../core/mod.ts";
import type { TaskOutcome, WorkspaceStatsArgs } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { throwIfAborted } from "./_common.ts";
import { MAX_HOST_PATH_BYTES } from "./host_reach.ts";
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
  /** A path too long for the worker to reach (see host_reach.ts): the figures miss it. */
  beyondReach?: string;
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
  return {
    bytes,
    files,
    complete: walked.complete,
    visited: walked.visited,
    ...(walked.beyondReach === undefined ? {} : { beyondReach: walked.beyondReach }),
  };
}

/**
 * The workspace's bytes for MAX_WORKSPACE_BYTES: {@link sumWorkspace}, refused with
 * LIMIT_EXCEEDED while the workspace holds a path too long to measure (code can write any
 * amount there), until it is deleted.
 */
export async function measureWorkspace(root: string, maxVisits: number): Promise<number> {
  const sum = await sumWorkspace(root, { maxVisits });
  if (sum.beyondReach === undefined) return sum.bytes;
  const top = sum.beyondReach.split("/")[0]!;
  throw new CodegenError(
    "LIMIT_EXCEEDED",
    `The workspace holds a path too long for the worker to measure (over ` +
      `${MAX_HOST_PATH_BYTES} bytes on the host), so its size is unknown: delete ` +
      `${JSON.stringify(top)} with fs.delete to use the workspace again`,
  );
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
  if (sum.beyondReach !== undefined) {
    const data = `workspace.stats could not reach ${JSON.stringify(sum.beyondReach)} ` +
      "(a path too long for the worker): figures are lower bounds";
    ctx.emit({ type: "log", stream: "system", level: "warning", data });
  } else if (sum.complete) ctx.usage?.set(sum.bytes);
  else {
    const data = `workspace.stats stopped after ${sum.visited} entries; figures are lower bounds`;
    log.warn(data);
    ctx.emit({ type: "log", stream: "system", level: "warning", data });
  }
  // has_state is the Python runtime's to say (see the executor)
  return { ok: true, result: { workspace_bytes: sum.bytes, file_count: sum.files } };
}
