import { closeSync, constants, fstatSync, openSync, type Stats } from "node:fs";

/**
 * Opens `path` read-only and says what was opened, without ever blocking: with O_NONBLOCK a
 * FIFO opens at once (a blocking open waits for a writer that may never come), so callers
 * can judge `stat` and refuse anything but a regular file on what they hold, with no window
 * for a swap; O_NOCTTY: a terminal never becomes this process's; `noFollow` (O_NOFOLLOW): a
 * symlink as the last component fails with ELOOP. Deno.open takes none of these flags;
 * node:fs does. Reads of a regular file ignore O_NONBLOCK. Throws node:fs's errors (with
 * their `code`); the descriptor is the caller's to close.
 */
export function openForRead(
  path: string,
  options: { noFollow?: boolean } = {},
): { fd: number; stat: Stats } {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY |
    (options.noFollow ? constants.O_NOFOLLOW : 0);
  const fd = openSync(path, flags);
  try {
    return { fd, stat: fstatSync(fd) };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}
