/**
 * Opening and reading resolved files with the re-checks that narrow the race described in
 * resolve.ts: after opening, the path must still resolve to itself and name the very file
 * that was opened.
 * @module
 */
import { pathViolation } from "../../policy/mod.ts";
import { isInside } from "./resolve.ts";

const CHANGED = "path changed while it was being opened";

/** An open file and its `fstat`. Close it with `file.close()` (or `using`). */
export interface OpenedFile {
  file: Deno.FsFile;
  info: Deno.FileInfo;
}

/** Opens the resolved `host` for reading and checks that it is still the file resolved. */
export async function openVerified(
  workspace: string,
  host: string,
  options: { path: string },
): Promise<OpenedFile> {
  const path = options.path;
  const file = await Deno.open(host, { read: true });
  try {
    const info = await file.stat();
    const real = await Deno.realPath(host).catch(() => null);
    if (real !== host || !isInside(workspace, real)) throw pathViolation(path, CHANGED);
    const now = await Deno.stat(real);
    if (now.dev !== info.dev || now.ino !== info.ino) throw pathViolation(path, CHANGED);
    return { file, info };
  } catch (err) {
    file.close();
    throw err;
  }
}

/** Reads at most `length` bytes starting at `offset`; fewer at end of file. */
export async function readRange(
  file: Deno.FsFile,
  options: { offset: number; length: number },
): Promise<Uint8Array> {
  const { offset, length } = options;
  await file.seek(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/** Fails with PATH_VIOLATION unless directory `dir` still resolves to itself, inside. */
export async function verifyDirectory(
  workspace: string,
  dir: string,
  options: { path: string },
): Promise<void> {
  const real = await Deno.realPath(dir).catch(() => null);
  if (real !== dir || !isInside(workspace, dir)) {
    throw pathViolation(options.path, "a parent directory changed during the operation");
  }
}
