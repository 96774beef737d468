import { CodegenError } from "../../core/mod.ts";
import { beyondHostReach } from "./host_reach.ts";

/** How many entries walk reads between checks for a cancel. */
const CANCEL_CHECK_EVERY = 1024;

/** One directory entry met by {@link walk}. */
export interface WalkEntry {
  /** Path relative to the walk's root, `/`-separated. */
  relative: string;
  /** Absolute host path. */
  host: string;
  name: string;
  isDirectory: boolean;
  isFile: boolean;
  isSymlink: boolean;
}

/** Options for {@link walk}. */
export interface WalkOptions {
  /** Descend into subdirectories. */
  recursive: boolean;
  /** Stop after visiting this many entries (Infinity: never). */
  maxVisits: number;
  /** Cancels the walk (throws CANCELLED). */
  signal?: AbortSignal;
  /** Called per entry; return false to stop the walk. */
  visit(entry: WalkEntry): boolean | Promise<boolean>;
}

/** What a {@link walk} saw of the tree. */
export interface WalkResult {
  /** False when it stopped early (`maxVisits`, or `visit` said so). */
  complete: boolean;
  visited: number;
  /**
   * The first entry (relative path, cut to 200 characters) whose host path is too long for
   * the system to name (see host_reach.ts): not visited, nor anything under it.
   */
  beyondReach?: string;
}

/**
 * Walks a directory tree without following symlinks (a symlink is visited as an entry,
 * never descended into), bounded by `maxVisits`. `complete` is false when it stopped early.
 * A subdirectory that vanishes, cannot be read, or no longer resolves to itself (swapped
 * for a symlink since it was seen) is skipped. `root` must be a real path.
 */
export async function walk(
  root: string,
  options: WalkOptions,
): Promise<WalkResult> {
  const pending: Array<{ host: string; relative: string }> = [{ host: root, relative: "" }];
  let visited = 0;
  let beyondReach: string | undefined;
  const result = (complete: boolean, n: number): WalkResult =>
    beyondReach === undefined
      ? { complete, visited: n }
      : { complete, visited: n, beyondReach: beyondReach.slice(0, 200) };
  while (pending.length > 0) {
    if (options.signal?.aborted) throw new CodegenError("CANCELLED", "The task was cancelled");
    const dir = pending.pop()!;
    if (dir.host !== root && (await Deno.realPath(dir.host).catch(() => null)) !== dir.host) {
      continue;
    }
    try {
      for await (const e of Deno.readDir(dir.host)) {
        if (++visited > options.maxVisits) return result(false, visited - 1);
        // one directory may hold millions of entries: a cancel must not wait for all of them
        if (visited % CANCEL_CHECK_EVERY === 0 && options.signal?.aborted) {
          throw new CodegenError("CANCELLED", "The task was cancelled");
        }
        const entry: WalkEntry = {
          relative: dir.relative === "" ? e.name : `${dir.relative}/${e.name}`,
          host: `${dir.host}/${e.name}`,
          name: e.name,
          isDirectory: e.isDirectory && !e.isSymlink,
          isFile: e.isFile,
          isSymlink: e.isSymlink,
        };
        if (beyondHostReach(entry.host)) {
          beyondReach ??= entry.relative;
          continue;
        }
        if (!(await options.visit(entry))) return result(false, visited);
        if (options.recursive && entry.isDirectory) {
          pending.push({ host: entry.host, relative: entry.relative });
        }
      }
    } catch (err) {
      if (dir.host === root) throw err;
      if (err instanceof CodegenError) throw err;
    }
  }
  return result(true, visited);
}
