import { getLogger } from "../../core/mod.ts";
import { checkListAfter, compareNames } from "../../policy/mod.ts";
import type { FsEntry, FsListArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { failure, type Op, throwIfAborted } from "./_common.ts";
import { compileGlob } from "./glob.ts";
import { isWriteLeftover } from "./atomic.ts";
import { verifyDirectory } from "./open.ts";
import { resolvePath } from "./resolve.ts";
import { SmallestN } from "./smallest.ts";
import { walk } from "./walk.ts";

const log = getLogger("worker", "fs");

/** How many entries a recursive fs.list visits before it stops, per entry returned. */
const VISIT_FACTOR = 100;
const DEEP = /\/|\*\*/;

interface Found {
  path: string;
  host: string;
  name: string;
}

function byPath(a: Found, b: Found): number {
  return compareNames(a.path, b.path);
}

/**
 * fs.list: the entries of a directory, or of its whole tree with `recursive`, sorted by
 * path in code point order (see compareNames), the order `after` pages in. `pattern` is matched against the path relative to the listed directory when
 * recursive (so `**\/*.py` finds Python files at any depth) and the name otherwise; a
 * pattern with `/` or `**` walks the tree unless `recursive` is false. fs.write's hidden
 * temp names are not listed.
 * Symlinks are listed as entries (`is_directory: false`) and never followed. At most
 * `maxListEntries` entries are returned, and only that many are held while listing.
 * A listing of one directory reads all of it, so `total_count` is exact and `after` (a
 * name: only names after it are listed and counted) pages through a directory of any size.
 * A recursive walk stops after visiting a hundred times `maxListEntries` entries, and then
 * `total_count` is a lower bound; it cannot be paged.
 */
export async function fsList(ctx: TaskContext, args: FsListArgs): Promise<TaskOutcome<"fs.list">> {
  throwIfAborted(ctx);
  const path = args.path ?? ".";
  const op = { verb: "list", path };
  const match = args.pattern === undefined ? null : compileGlob(args.pattern);
  // a pattern that names subdirectories (`**/*.py`, `src/*.ts`) can only mean a walk
  const recursive = args.recursive ?? (args.pattern !== undefined && DEEP.test(args.pattern));
  const after = args.after;
  if (after !== undefined) requireAfter(after, recursive, ctx.limits.maxPathBytes, op);
  const resolved = await resolvePath(ctx.workspace, path, {
    intent: "read",
    maxPathBytes: ctx.limits.maxPathBytes,
  });
  if (resolved.info === null) throw failure("NOT_FOUND", "no such directory", op);
  if (!resolved.info.isDirectory) {
    throw failure("INVALID_ARGUMENT", "not a directory", op);
  }
  const limit = ctx.limits.maxListEntries;
  const kept = new SmallestN<Found>(limit, byPath);
  let matches = 0;
  const prefix = resolved.relative === "." ? "" : `${resolved.relative}/`;
  await verifyDirectory(ctx.workspace, resolved.host, op);
  const walked = await walk(resolved.host, {
    recursive,
    // readDir's order is not by name: the next page's names may be anywhere in the
    // directory, so it is read whole (its size costs time, never memory)
    maxVisits: recursive ? limit * VISIT_FACTOR : Infinity,
    signal: ctx.signal,
    visit(entry) {
      if (isWriteLeftover(entry.name)) return true;
      if (after !== undefined && compareNames(entry.name, after) <= 0) return true;
      if (match !== null && !match(recursive ? entry.relative : entry.name)) return true;
      matches++;
      kept.offer({ path: prefix + entry.relative, host: entry.host, name: entry.name });
      return true;
    },
  });
  if (!walked.complete) {
    const data = `fs.list stopped early after ${walked.visited} entries and ${matches} ` +
      "matches; total_count is a lower bound";
    log.warn(data);
    ctx.emit({ type: "log", stream: "system", level: "warning", data });
  }
  const entries: FsEntry[] = [];
  for (const item of kept.sorted()) {
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
    result: { entries, total_count: matches, truncated: !walked.complete || matches > limit },
  };
}

// `after` is only compared with names, never opened: see checkListAfter
function requireAfter(after: string, recursive: boolean, maxBytes: number, op: Op): void {
  if (recursive) {
    throw failure("INVALID_ARGUMENT", "after pages only a listing that is not recursive", op);
  }
  const refusal = checkListAfter(after, maxBytes);
  if (refusal !== undefined) throw failure("INVALID_ARGUMENT", refusal, op);
}
