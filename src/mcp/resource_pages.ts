import type { FsEntry } from "../rpc/mod.ts";

/** Lists one directory's entries sorted by name; null when it is gone or not a directory. */
export type ListDirectory = (dir: string) => Promise<FsEntry[] | null>;

/** One page of workspace files, and where the next one starts (undefined: the last page). */
export interface FilePage {
  files: FsEntry[];
  next?: string;
}

interface Frame {
  dir: string;
  entries: FsEntry[];
  index: number;
}

/**
 * Walks the workspace depth first, directory by directory, in name order, and returns up
 * to `pageSize` files after `after` (the cursor of the previous page: the last path that
 * page walked past). A cursor is just a path, so pages stay small and survive restarts;
 * resuming lists the cursor's parent directories again and goes on after each of its
 * components. At most `maxLists` directories are entered per page (besides the cursor's own
 * parents), so a page may hold fewer files than asked for and still not be the last. Files added or removed between pages may
 * be missed or seen twice, as with any listing that pages.
 */
export async function filePage(
  list: ListDirectory,
  options: { after?: string | undefined; pageSize: number; maxLists: number },
): Promise<FilePage> {
  let descents = 0;
  const open = async (dir: string, after?: string): Promise<Frame | null> => {
    const entries = await list(dir);
    if (entries === null) return null;
    const index = after === undefined ? 0 : entries.findIndex((e) => e.name > after);
    return { dir, entries, index: index === -1 ? entries.length : index };
  };
  const stack: Frame[] = [];
  const parts = options.after === undefined ? [] : options.after.split("/");
  let dir = ".";
  const root = await open(dir, parts[0]);
  if (root) stack.push(root);
  for (const [i, name] of parts.slice(0, -1).entries()) {
    dir = dir === "." ? name : `${dir}/${name}`;
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
      stack.pop();
      if (top.dir !== ".") last = top.dir;
      continue;
    }
    if (files.length >= options.pageSize) return { files, next: last };
    if (entry.is_directory) {
      // out of budget: the next page starts inside this directory ("dir/" resumes at its
      // first entry), so every page moves on even when it found no file
      if (descents >= options.maxLists) return { files, next: `${entry.path}/` };
      descents++;
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
