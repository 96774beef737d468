import type { FsEntry } from "../rpc/mod.ts";

/** Some of a directory's entries, sorted by name; `more` when the listing stopped at a cap. */
export interface DirectoryWindow {
  entries: FsEntry[];
  more: boolean;
}

/**
 * Lists one directory's entries sorted by name, only those after the name `after` when
 * given; null when the directory is gone or not a directory.
 */
export type ListDirectory = (dir: string, after?: string) => Promise<DirectoryWindow | null>;

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
  /** The name this directory's next window starts after. */
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
 * component. A directory whose listing stopped at the worker's cap is listed again after
 * the last name seen, so a directory of any size is walked whole. At most `maxLists`
 * listings are made per page (besides the cursor's own parents), so a page may hold fewer
 * files than asked for and still not be the last. Files added or removed between pages may
 * be missed or seen twice, as with any listing that pages.
 */
export async function filePage(
  list: ListDirectory,
  options: { after?: string | undefined; pageSize: number; maxLists: number },
): Promise<FilePage> {
  let lists = 0;
  const open = async (dir: string, after?: string): Promise<Frame | null> => {
    const window = await list(dir, after);
    if (window === null) return null;
    const { entries, more } = window;
    return { dir, entries, index: 0, more, after: entries.at(-1)?.name ?? after };
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
  const files: FsEntry[] = [];
  let last = options.after;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const entry = top.entries[top.index];
    if (entry === undefined) {
      if (top.more && top.after !== undefined) {
        // the listing stopped at its cap: the rest comes after the last name it gave
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
