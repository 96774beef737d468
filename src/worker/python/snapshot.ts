import type { Artifact } from "../../rpc/mod.ts";
import { beyondHostReach } from "../fs/mod.ts";

/**
 * Entries a run's workspace snapshot visits at least. Larger than `MAX_LIST_ENTRIES` (which
 * bounds what one listing returns to an agent): a snapshot has to see the whole workspace to
 * find every file a run wrote, but stays bounded in time and memory; past it the run's result
 * says `artifacts_truncated`.
 */
export const SNAPSHOT_MAX_ENTRIES = 100_000;

/** Size and modification time of one workspace file. */
interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** The workspace's regular files before or after a run. */
export interface WorkspaceSnapshot {
  files: Map<string, FileStamp>;
  /** Whether an entry not owned by `ownerUid` was seen (it must be re-owned first). */
  foreignOwned: boolean;
  /** Whether the walk stopped at `maxEntries` before it saw the whole workspace. */
  truncated: boolean;
  /** Whether it met a path too long for the worker to reach (see fs/host_reach.ts). */
  beyondReach?: boolean;
  /** Whether the walk stopped (and is `truncated`) because its time was up. */
  outOfTime?: boolean;
}

/** Options for {@link snapshotWorkspace}. */
export interface SnapshotOptions {
  /** Entries visited at most. */
  maxEntries: number;
  /** The uid sandboxed code runs as, when the worker re-owns files for it. */
  ownerUid?: number | undefined;
  /**
   * When the walk gives up (a `performance.now()` time): a call's time limit bounds the
   * walk before its run. Default: none. Checked between directories and with the clock
   * (one directory of very many entries is read whole first).
   */
  until?: number;
}

/**
 * How long the walk runs before it lets the thread's other work in: a workspace of 100,000
 * entries takes seconds to walk, and other sessions' calls on the same worker thread must not
 * wait that long.
 */
export const SNAPSHOT_SLICE_MS = 8;
/** Entries walked between two looks at the clock. */
const CLOCK_EVERY = 64;

/**
 * Walks the workspace without following symlinks, recording regular files by relative
 * path. Bounded: stops after `maxEntries` entries, and then says so in `truncated`. Yields to
 * the event loop every {@link SNAPSHOT_SLICE_MS} of walking.
 */
export async function snapshotWorkspace(
  root: string,
  options: SnapshotOptions,
): Promise<WorkspaceSnapshot> {
  const files = new Map<string, FileStamp>();
  let foreignOwned = false;
  let visited = 0;
  let truncated = false;
  let beyondReach = false;
  let outOfTime = false;
  const owner = options.ownerUid;
  const until = options.until ?? Infinity;
  try {
    const rootInfo = Deno.lstatSync(root);
    if (owner !== undefined && rootInfo.uid !== owner) foreignOwned = true;
  } catch {
    return { files, foreignOwned, truncated };
  }
  const stack = [""];
  let sliceStart = performance.now();
  while (stack.length > 0 && !truncated) {
    if (performance.now() >= until) {
      truncated = outOfTime = true;
      break;
    }
    const rel = stack.pop()!;
    let entries: Deno.DirEntry[];
    try {
      // synchronous, in slices: local metadata on the worker's own thread (see
      // fs/open.ts); a run snapshots the workspace twice, on the path of every run.python
      entries = Array.from(Deno.readDirSync(rel ? `${root}/${rel}` : root));
    } catch {
      continue; // removed or unreadable meanwhile
    }
    for (const entry of entries) {
      if (++visited > options.maxEntries) {
        truncated = true;
        break;
      }
      if (visited % CLOCK_EVERY === 0) {
        const now = performance.now();
        if (now >= until) {
          truncated = outOfTime = true;
          break;
        }
        if (now - sliceStart >= SNAPSHOT_SLICE_MS) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          sliceStart = performance.now();
        }
      }
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const host = `${root}/${path}`;
      if (beyondHostReach(host)) {
        beyondReach = true;
        continue;
      }
      let info: Deno.FileInfo;
      try {
        info = Deno.lstatSync(host);
      } catch {
        continue;
      }
      if (owner !== undefined && info.uid !== owner) foreignOwned = true;
      if (info.isDirectory) stack.push(path);
      else if (info.isFile) {
        files.set(path, { size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 });
      }
    }
  }
  return {
    files,
    foreignOwned,
    truncated,
    ...(beyondReach ? { beyondReach } : {}),
    ...(outOfTime ? { outOfTime } : {}),
  };
}

/**
 * Bytes of the regular files a snapshot saw, or undefined when its walk stopped early or
 * could not reach everything (the sum would then be only a lower bound).
 */
export function snapshotBytes(snapshot: WorkspaceSnapshot): number | undefined {
  if (snapshot.truncated || snapshot.beyondReach) return undefined;
  let bytes = 0;
  for (const stamp of snapshot.files.values()) bytes += stamp.size;
  return bytes;
}

/** What {@link diffSnapshots} found. */
export interface SnapshotDiff {
  artifacts: Artifact[];
  /** Whether the list may miss changes: a walk stopped early, or more than `max` changed. */
  truncated: boolean;
}

/** Files created or modified between two snapshots, sorted by path, at most `max`. */
export function diffSnapshots(
  before: WorkspaceSnapshot,
  after: WorkspaceSnapshot,
  options: { max: number },
): SnapshotDiff {
  // a walk before the run that ran out of time saw an unknown part of the workspace: any
  // file it missed would look created by the run, so none is listed rather than false ones
  if (before.outOfTime) return { artifacts: [], truncated: true };
  const out: Artifact[] = [];
  for (const [path, stamp] of after.files) {
    const old = before.files.get(path);
    if (!old) out.push({ path, size_bytes: stamp.size, change: "created" });
    else if (old.size !== stamp.size || old.mtimeMs !== stamp.mtimeMs) {
      out.push({ path, size_bytes: stamp.size, change: "modified" });
    }
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    artifacts: out.slice(0, options.max),
    truncated: before.truncated || after.truncated || after.beyondReach === true ||
      out.length > options.max,
  };
}
