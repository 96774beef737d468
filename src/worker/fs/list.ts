import { getLogger } from "../../core/mod.ts";
import { checkListAfter, compareNames, firstAfter } from "../../policy/mod.ts";
import type { FsEntry, FsListArgs, FsListResult, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import type { NameCollector } from "../dir_snapshots.ts";
import { failure, type Op, throwIfAborted } from "./_common.ts";
import { compileGlob } from "./glob.ts";
import { isWriteLeftover } from "./atomic.ts";
import { verifyDirectory } from "./open.ts";
import { resolvePath } from "./resolve.ts";
import { SmallestN } from "./smallest.ts";
import { VISIT_FACTOR } from "./stats.ts";
import { walk } from "./walk.ts";

const log = getLogger("worker", "fs");

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
 * fs.list: the entries of a directory, or of its whole tree with `recursive`, sorted by path
 * in code point order (see compareNames), the order `after` pages in. `pattern` is matched
 * against the path relative to the listed directory when recursive (so `**\/*.py` finds
 * Python files at any depth) and the name otherwise; a pattern with `/` or `**` walks the
 * tree unless `recursive` is false. fs.write's hidden temp names are not listed.
 * Symlinks are listed as entries (`is_directory: false`) and never followed. At most `limit`
 * (default and cap: `maxListEntries`) entries are returned. A listing of one directory reads
 * all of it, so `total_count` is exact, and when more remain `next_after` says where the next
 * page starts: `after` (a name: only names after it are listed and counted) pages through a
 * directory of any size. A page with more to come keeps the names it read, sorted when first
 * reused, in the session's `snapshots`: a later page of an unchanged directory takes its
 * names from there instead of reading the directory again (see DirSnapshots for when that
 * is safe); each entry is still looked up afresh. Without a snapshot only the page's entries
 * are held while listing. An entry that cannot be looked up by the name read (removed
 * meanwhile, or a name that is not valid UTF-8, which Deno reads with U+FFFD in place of the
 * bad bytes) is left out and counted in `skipped`; `next_after` still moves past it. A
 * recursive walk stops after visiting a hundred times `maxListEntries` entries, and then
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
  const maxEntries = ctx.limits.maxListEntries;
  const limit = args.limit === undefined ? maxEntries : requireLimit(args.limit, maxEntries, op);
  const resolved = await resolvePath(ctx.workspace, path, {
    intent: "read",
    maxPathBytes: ctx.limits.maxPathBytes,
  });
  if (resolved.info === null) throw failure("NOT_FOUND", "no such directory", op);
  if (!resolved.info.isDirectory) {
    throw failure("INVALID_ARGUMENT", "not a directory", op);
  }
  const prefix = resolved.relative === "." ? "" : `${resolved.relative}/`;
  await verifyDirectory(ctx.workspace, resolved.host, op);
  const snapshots = recursive ? undefined : ctx.snapshots;
  const stamp = snapshots?.stamp(resolved.host) ?? null;
  // with the pattern: a snapshot holds only the names that matched it
  const key = `${resolved.host}\0${args.pattern ?? ""}`;
  const names = after === undefined || stamp === null
    ? undefined
    : snapshots!.find(key, stamp, after);
  let listed: Listed;
  if (names !== undefined) {
    listed = fromSnapshot(names, after!, { limit, prefix, host: resolved.host });
  } else {
    using collector = stamp === null ? null : snapshots!.collect(stamp);
    listed = await read(ctx, resolved.host, { prefix, recursive, after, match, limit, collector });
    // only a listing with another page to come is worth keeping
    if (listed.matches > limit) collector?.keep(key, after);
  }
  const { found, matches, complete, visited } = listed;
  if (!complete) {
    const data = `fs.list stopped early after ${visited} entries and ${matches} ` +
      "matches; total_count is a lower bound";
    log.warn(data);
    ctx.emit({ type: "log", stream: "system", level: "warning", data });
  }
  const { entries, skipped } = lookUp(found);
  const more = matches > limit;
  const result: FsListResult = {
    entries,
    total_count: matches,
    truncated: !complete || more,
  };
  // the largest name considered, looked up or not: a page whose entries were all skipped
  // still tells the next one where to start
  if (more && !recursive) result.next_after = found.at(-1)!.name;
  if (skipped > 0) result.skipped = skipped;
  return { ok: true, result };
}

/** The page a listing picked: at most `limit` names, sorted, and how many matched. */
interface Listed {
  found: Found[];
  matches: number;
  complete: boolean;
  visited: number;
}

// Reads the directory (or walks the tree) and keeps the `limit` smallest matching names after
// `after`; the collector, when there is one, gets every such name for later pages.
async function read(
  ctx: TaskContext,
  host: string,
  options: {
    prefix: string;
    recursive: boolean;
    after: string | undefined;
    match: ((name: string) => boolean) | null;
    limit: number;
    collector: NameCollector | null;
  },
): Promise<Listed> {
  const { prefix, recursive, after, match, collector } = options;
  const kept = new SmallestN<Found>(options.limit, byPath);
  let matches = 0;
  const walked = await walk(host, {
    recursive,
    // readDir's order is not by name: the next page's names may be anywhere in the
    // directory, so it is read whole (its size costs time; memory only for a snapshot)
    maxVisits: recursive ? ctx.limits.maxListEntries * VISIT_FACTOR : Infinity,
    signal: ctx.signal,
    visit(entry) {
      if (isWriteLeftover(entry.name)) return true;
      if (after !== undefined && compareNames(entry.name, after) <= 0) return true;
      if (match !== null && !match(recursive ? entry.relative : entry.name)) return true;
      matches++;
      kept.offer({ path: prefix + entry.relative, host: entry.host, name: entry.name });
      collector?.add(entry.name);
      return true;
    },
  });
  return { found: kept.sorted(), matches, complete: walked.complete, visited: walked.visited };
}

// The page after `after` from a snapshot's sorted names: a binary search and a slice.
function fromSnapshot(
  names: readonly string[],
  after: string,
  options: { limit: number; prefix: string; host: string },
): Listed {
  const start = firstAfter(names, after);
  const found = names.slice(start, start + options.limit).map((name) => ({
    path: options.prefix + name,
    host: `${options.host}/${name}`,
    name,
  }));
  return { found, matches: names.length - start, complete: true, visited: names.length - start };
}

// Each kept entry by its path: one that cannot be, or that names the entry before it again,
// is skipped. Deno reads a name that is not valid UTF-8 with U+FFFD in place of the bad
// bytes, so it cannot be opened by that name, and two such names can read the same (the one
// real file that bears that name would be listed twice). Synchronous, as in open.ts: a local
// lstat takes microseconds, an async one about ten times as long in a hand-off to a pool
// thread and back, which made most of the time of a page served from a snapshot.
function lookUp(found: Found[]): { entries: FsEntry[]; skipped: number } {
  const entries: FsEntry[] = [];
  let skipped = 0;
  for (const item of found) {
    const info = entries.at(-1)?.path === item.path ? null : lstatOrNull(item.host);
    if (info === null) {
      skipped++;
      continue;
    }
    entries.push({
      path: item.path,
      name: item.name,
      size_bytes: info.isDirectory ? 0 : info.size,
      is_directory: info.isDirectory,
      modified_time_ms: info.mtime?.getTime() ?? 0,
    });
  }
  return { entries, skipped };
}

function lstatOrNull(host: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(host);
  } catch {
    return null;
  }
}

// A page size from the caller: at least 1, and never more than the worker's own cap.
function requireLimit(limit: number, maxEntries: number, op: Op): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw failure("INVALID_ARGUMENT", "limit must be a positive integer", op);
  }
  return Math.min(limit, maxEntries);
}

// `after` is only compared with names, never opened: see checkListAfter
function requireAfter(after: string, recursive: boolean, maxBytes: number, op: Op): void {
  if (recursive) {
    throw failure("INVALID_ARGUMENT", "after pages only a listing that is not recursive", op);
  }
  const refusal = checkListAfter(after, maxBytes);
  if (refusal !== undefined) throw failure("INVALID_ARGUMENT", refusal, op);
}
