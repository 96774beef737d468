import { CodegenError } from "../../core/mod.ts";

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

/**
 * Walks a directory tree without following symlinks (a symlink is visited as an entry,
 * never descended into), bounded by `maxVisits`. `complete` is false when it stopped early.
 * A subdirectory that vanishes, cannot be read, or no longer resolves to itself (swapped
 * for a symlink since it was seen) is skipped. `root` must be a real path.
 */
export async function walk(
  root: string,
  options: WalkOptions,
): Promise<{ complete: boolean; visited: number }> {
  const pending: Array<{ host: string; relative: string }> = [{ host: root, relative: "" }];
  let visited = 0;
  while (pending.length > 0) {
    if (options.signal?.aborted) throw new CodegenError("CANCELLED", "The task was cancelled");
    const dir = pending.pop()!;
    if (dir.host !== root && (await Deno.realPath(dir.host).catch(() => null)) !== dir.host) {
      continue;
    }
    try {
      for await (const e of Deno.readDir(dir.host)) {
        if (++visited > options.maxVisits) return { complete: false, visited: visited - 1 };
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
        if (!(await options.visit(entry))) return { complete: false, visited };
        if (options.recursive && entry.isDirectory) {
          pending.push({ host: entry.host, relative: entry.relative });
        }
      }
    } catch (err) {
      if (dir.host === root) throw err;
      if (err instanceof CodegenError) throw err;
    }
  }
  return { complete: true, visited };
}
