import { getLogger } from "../../core/mod.ts";
import type { FsEntry, FsListArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { failure, throwIfAborted } from "./_common.ts";
import { compileGlob } from "./glob.ts";
import { isWriteLeftover } from "./atomic.ts";
import { verifyDirectory } from "./open.ts";
import { resolvePath } from "./resolve.ts";
import { walk } from "./walk.ts";

const log = getLogger("worker", "fs");

/** How many matches fs.list collects (and counts) before it stops, per entry returned. */
const MATCH_FACTOR = 10;
/** How many directory entries fs.list visits before it stops, per entry returned. */
const VISIT_FACTOR = 100;
const DEEP = /\/|\*\*/;

/**
 * fs.list: the entries of a directory, or of its whole tree with `recursive`, sorted by
 * path. `pattern` is matched against the path relative to the listed directory when
 * recursive (so `**\/*.py` finds Python files at any depth) and the name otherwise; a
 * pattern with `/` or `**` walks the tree unless `recursive` is false. fs.write's hidden
 * temp names are not listed.
 * Symlinks are listed as entries (`is_directory: false`) and never followed. At most
 * `maxListEntries` entries are returned; `total_count` counts every match up to ten times
 * that, after which the walk stops and `total_count` is a lower bound.
 */
export async function fsList(ctx: TaskContext, args: FsListArgs): Promise<TaskOutcome<"fs.list">> {
  throwIfAborted(ctx);
  const path = args.path ?? ".";
  const op = { verb: "list", path };
  const match = args.pattern === undefined ? null : compileGlob(args.pattern);
  const resolved = await resolvePath(ctx.workspace, path, {
    intent: "read",
    maxPathBytes: ctx.limits.maxPathBytes,
  });
  if (resolved.info === null) throw failure("NOT_FOUND", "no such directory", op);
  if (!resolved.info.isDirectory) {
    throw failure("INVALID_ARGUMENT", "not a directory", op);
  }
  // a pattern that names subdirectories (`**/*.py`, `src/*.ts`) can only mean a walk
  const recursive = args.recursive ?? (args.pattern !== undefined && DEEP.test(args.pattern));
  const limit = ctx.limits.maxListEntries;
  const found: Array<{ path: string; host: string; name: string }> = [];
  const prefix = resolved.relative === "." ? "" : `${resolved.relative}/`;
  await verifyDirectory(ctx.workspace, resolved.host, op);
  const walked = await walk(resolved.host, {
    recursive,
    maxVisits: limit * VISIT_FACTOR,
    signal: ctx.signal,
    visit(entry) {
      if (isWriteLeftover(entry.name)) return true;
      if (match !== null && !match(recursive ? entry.relative : entry.name)) return true;
      // one match past the cap proves there are more: stop there
      if (found.length >= limit * MATCH_FACTOR) return false;
      found.push({ path: prefix + entry.relative, host: entry.host, name: entry.name });
      return true;
    },
  });
  if (!walked.complete) {
    const data = `fs.list stopped early after ${walked.visited} entries and ${found.length} ` +
      "matches; total_count is a lower bound";
    log.warn(data);
    ctx.emit({ type: "log", stream: "system", level: "warning", data });
  }
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const entries: FsEntry[] = [];
  for (const item of found.slice(0, limit)) {
    const info = await Deno.lstat(item.host).catch(() => null);
    if (info === null) continue; // removed while listing
    entries.push({
      path: item.path,
      name: item.name,
      size_bytes: info.isDirectory ? 0 : info.size,
      is_directory: info.isDirectory,
      modified_time_ms: info.mtime?.getTime() ?? 0,
    });
  }
  return {
    ok: true,
    result: {
      entries,
      total_count: found.length,
      truncated: !walked.complete || found.length > limit,
    },
  };
}
