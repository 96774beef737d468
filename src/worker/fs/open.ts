/**
 * Opening and reading resolved files with the re-checks that narrow the race described in
 * resolve.ts: after opening, the path must still resolve to itself and name the very file
 * that was opened.
 * @module
 */
import { closeSync, readSync } from "node:fs";
import { openForRead } from "../../core/mod.ts";
import { pathViolation } from "../../policy/mod.ts";
import { failure, type Op } from "./_common.ts";
import { isInside } from "./resolve.ts";

const CHANGED = "path changed while it was being opened";

/**
 * The `lstat` of `host` when it is inside `workspace` and no component of it below the
 * workspace is now a symlink (or missing); otherwise null. The workspace itself is a real
 * path user code cannot change, so only the components below it are checked: one `lstat`
 * each, where `realPath` would read every component from the root and a `stat` more.
 * Synchronous on purpose: a local metadata call takes microseconds, while an async one waits
 * for a blocking-pool thread and back; the worker runs on its own thread (or process), so
 * nothing else waits on it.
 */
function unchangedBelow(workspace: string, host: string): Deno.FileInfo | null {
  if (!isInside(workspace, host)) return null;
  try {
    let info = Deno.lstatSync(host);
    if (info.isSymlink) return null;
    const last = info;
    for (
      let end = host.lastIndexOf("/");
      end > workspace.length;
      end = host.lastIndexOf("/", end - 1)
    ) {
      info = Deno.lstatSync(host.slice(0, end));
      if (!info.isDirectory) return null;
    }
    return last;
  } catch {
    return null;
  }
}

/** A file opened for reading by {@link openVerified}. */
export class VerifiedFile {
  #fd: number | undefined;

  constructor(fd: number) {
    this.#fd = fd;
  }

  /** Reads into `buffer` from byte `position`; 0 at end of file. */
  readAt(buffer: Uint8Array, position: number): number {
    if (this.#fd === undefined) throw new Error("the file is closed");
    return readSync(this.#fd, buffer, 0, buffer.length, position);
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** An open file and what its `fstat` said. Close it with `file.close()`. */
export interface OpenedFile {
  file: VerifiedFile;
  info: { size: number; dev: number; ino: number };
}

// The path was checked before the open, and user code may swap what it names in between:
// a FIFO or device swapped in must not block the open (it stalled this thread, and every
// session's file calls behind it, until a writer came), and a symlink swapped in must fail,
// not open what it names (see openForRead).

/** Opens the resolved `host` for reading and checks that it is still the file resolved. */
// deno-lint-ignore require-await -- kept async: callers and tests treat failures as rejections
export async function openVerified(
  workspace: string,
  host: string,
  op: Op,
): Promise<OpenedFile> {
  let opened: ReturnType<typeof openForRead>;
  try {
    opened = openForRead(host, { noFollow: true });
  } catch (err) {
    throw openFailure(err, op);
  }
  const { fd, stat } = opened;
  const file = new VerifiedFile(fd);
  try {
    // only regular files are read: a FIFO or device would block or never end
    if (!stat.isFile()) throw pathViolation(op.path, CHANGED);
    const now = unchangedBelow(workspace, host);
    if (now === null || now.dev !== stat.dev || now.ino !== stat.ino) {
      throw pathViolation(op.path, CHANGED);
    }
    return { file, info: { size: stat.size, dev: stat.dev, ino: stat.ino } };
  } catch (err) {
    file.close();
    throw err;
  }
}

// What a failed open means to the caller, without the host path node:fs puts in its message.
function openFailure(err: unknown, op: Op): Error {
  switch ((err as { code?: unknown }).code) {
    case "ENOENT":
      return failure("NOT_FOUND", "no such file", op);
    case "ELOOP": // the last component became a symlink
    case "ENOTDIR": // a directory on the way became something else
      return pathViolation(op.path, CHANGED);
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Reads at most `length` bytes starting at `offset`; fewer at end of file. Reads at an
 * offset, so the file's position does not matter.
 */
// deno-lint-ignore require-await -- kept async: callers and tests treat failures as rejections
export async function readRange(
  file: VerifiedFile,
  options: { offset: number; length: number },
): Promise<Uint8Array> {
  const { offset, length } = options;
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = file.readAt(buffer.subarray(filled), offset + filled);
    if (n === 0) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/** Fails with PATH_VIOLATION unless directory `dir` still resolves to itself, inside. */
// deno-lint-ignore require-await -- kept async: callers and tests treat failures as rejections
export async function verifyDirectory(
  workspace: string,
  dir: string,
  options: { path: string },
): Promise<void> {
  if (dir !== workspace && !unchangedBelow(workspace, dir)?.isDirectory) {
    throw pathViolation(options.path, "a parent directory changed during the operation");
  }
}
