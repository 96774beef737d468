import { getLogger } from "../../core/mod.ts";
import type { TaskOutcome, WorkspaceStatsArgs } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { throwIfAborted } from "./_common.ts";
import { walk } from "./walk.ts";

const log = getLogger("worker", "fs");

/** Most entries workspace.stats visits, per fs.list entry allowed. */
const VISIT_FACTOR = 100;

/**
 * workspace.stats: total bytes and count of regular files in the workspace, found by a
 * bounded walk that never follows symlinks (a link counts as neither file nor bytes).
 */
export async function workspaceStats(
  ctx: TaskContext,
  _args: WorkspaceStatsArgs,
): Promise<TaskOutcome<"workspace.stats">> {
  throwIfAborted(ctx);
  let bytes = 0;
  let files = 0;
  const walked = await walk(ctx.workspace, {
    recursive: true,
    maxVisits: ctx.limits.maxListEntries * VISIT_FACTOR,
    signal: ctx.signal,
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
  if (!walked.complete) {
    const data =
      `workspace.stats stopped after ${walked.visited} entries; figures are lower bounds`;
    log.warn(data);
    ctx.emit({ type: "log", stream: "system", level: "warning", data });
  }
  return { ok: true, result: { workspace_bytes: bytes, file_count: files } };
}
