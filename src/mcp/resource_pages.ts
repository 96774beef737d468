import { CodegenError } from "../core/mod.ts";
import { compareNames, quotePath } from "../policy/mod.ts";
import type { FsEntry } from "../rpc/mod.ts";

/**
 * Some of a directory's entries, sorted by name (see compareNames); `more` when the listing
 * stopped at its limit, and then `next`, the name the rest comes after (the last name the
 * listing considered, which need not be the last entry: one it could not look up is left
 * out).
 */
export interface DirectoryWindow {
  entries: FsEntry[];
  more: boolean;
  next?: string | undefined;
}

/**
 * Lists one directory's entries sorted by name, at most `limit` of them, only those after
 * the name `after` when given; null when the directory is gone or not a directory.
 */
export type ListDirectory = (
  dir: string,
  window: { after?: string; limit: number },
) => Promise<DirectoryWindow | null>;

/** One page of workspace files, and where the next one starts (undefined: the last page). */
export interface FilePage {
  files: FsEntry[];
  next?: string;
}

interface Frame {
  dir: string;
  entries: FsEntry[];
  index: number;
  more: boolean;
  /** When `more`: the name this directory's next window starts after. */
  after: string | undefined;
}

function join(dir: string, name: string): string {
  return dir === "." ? name : `${dir}/${name}`;
}

/**
 * Walks the workspace depth first, directory by directory, in name order, and returns up
 * to `pageSize` files after `after` (the cursor of the previous page: the last path that
 * page walked past). A cursor is just a path, so pages stay small and survive restarts;
 * resuming lists the cursor's parent directories again, each after the cursor's next
 * component. Each listing asks for only as many entries as the page still needs; one that
 * stopped at its limit is listed again after the last name it considered, so a directory
 * of any size is walked whole. A listing that has more but does not say where it goes on
 * is an INTERNAL error rather than a loop. At most `maxLists` listings are made per page
 * (besides the cursor's own parents), so a page may hold fewer files than asked for and
 * still not be the last. Entries a listing could not look up (a name that is not valid
 * UTF-8, a file removed meanwhile) are on no page. Files added or removed between pages may
 * be missed or seen twice, as with any listing that pages.
 */
export async function filePage(
  list: ListDirectory,
  options: { after?: string | undefined; pageSize: number; maxLists: number },
): Promise<FilePage> {
  let lists = 0;
  const files: FsEntry[] = [];
  const open = async (dir: string, after?: string): Promise<Frame | null> => {
    // only what this page still needs: a listing of a large directory costs per entry
    const limit = Math.max(1, options.pageSize - files.length);
    const window = await list(dir, after === undefined ? { limit } : { after, limit });
    if (window === null) return null;
    const { entries, more, next } = window;
    if (more) requireProgress(dir, after, next);
    return { dir, entries, index: 0, more, after: next };
  };
  const stack: Frame[] = [];
  // "dir/" (an empty last component) resumes at the directory's first entry
  const parts = (options.after === undefined ? [] : options.after.split("/"))
    .map((part) => (part === "" ? undefined : part));
  let dir = ".";
  const root = await open(dir, parts[0]);
  if (root) stack.push(root);
  for (const [i, name] of parts.slice(0, -1).entries()) {
    if (name === undefined) break;
    dir = join(dir, name);
    const frame = await open(dir, parts[i + 1]);
    if (frame === null) break; // gone since: go on after it in its parent
    stack.push(frame);
  }
  let last = options.after;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const entry = top.entries[top.index];
    if (entry === undefined) {
      if (top.more && top.after !== undefined) {
        // the listing stopped at its limit: the rest comes after the last name it considered
        const at = join(top.dir, top.after);
        if (files.length >= options.pageSize || lists >= options.maxLists) {
          return { files, next: at };
        }
        lists++;
        const rest = await open(top.dir, top.after);
        if (rest) {
          stack[stack.length - 1] = rest;
          continue;
        }
      }
      stack.pop();
      if (top.dir !== ".") last = top.dir;
      continue;
    }
    if (files.length >= options.pageSize) return { files, next: last };
    if (entry.is_directory) {
      // out of budget: the next page starts inside this directory ("dir/" resumes at its
      // first entry), so every page moves on even when it found no file
      if (lists >= options.maxLists) return { files, next: `${entry.path}/` };
      lists++;
      top.index++;
      const frame = await open(entry.path);
      if (frame) stack.push(frame);
      else last = entry.path;
      continue;
    }
    top.index++;
    files.push(entry);
    last = entry.path;
  }
  return { files };
}

// A listing that has more but does not say where it goes on, or goes back, would have the
// same window listed again and again: an error, not a loop.
function requireProgress(dir: string, after: string | undefined, next: string | undefined): void {
  if (next !== undefined && (after === undefined || compareNames(next, after) > 0)) return;
  const from = after === undefined ? "" : ` after ${quotePath(after)}`;
  throw new CodegenError(
    "INTERNAL",
    `Cannot list ${quotePath(dir)}${from}: the worker says more entries remain but not where`,
  );
}
