/**
 * Opening and reading resolved files with the re-checks that narrow the race described in
 * resolve.ts: after opening, the path must still resolve to itself and name the very file
 * that was opened.
 * @module
 */
import { pathViolation } from "../../policy/mod.ts";
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

/** An open file and its `fstat`. Close it with `file.close()` (or `using`). */
export interface OpenedFile {
  file: Deno.FsFile;
  info: Deno.FileInfo;
}

/** Opens the resolved `host` for reading and checks that it is still the file resolved. */
// deno-lint-ignore require-await -- kept async: callers and tests treat failures as rejections
export async function openVerified(
  workspace: string,
  host: string,
  options: { path: string },
): Promise<OpenedFile> {
  const path = options.path;
  const file = Deno.openSync(host, { read: true });
  try {
    const info = file.statSync();
    const now = unchangedBelow(workspace, host);
    if (now === null || now.dev !== info.dev || now.ino !== info.ino) {
      throw pathViolation(path, CHANGED);
    }
    return { file, info };
  } catch (err) {
    file.close();
    throw err;
  }
}

/**
 * Reads at most `length` bytes starting at `offset`; fewer at end of file. `file` is fresh
 * from {@link openVerified} (at position 0), so a read from the start needs no seek.
 */
// deno-lint-ignore require-await -- kept async: callers and tests treat failures as rejections
export async function readRange(
  file: Deno.FsFile,
  options: { offset: number; length: number },
): Promise<Uint8Array> {
  const { offset, length } = options;
  if (offset !== 0) file.seekSync(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = file.readSync(buffer.subarray(filled));
    if (n === null) break;
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
