import { posix } from "node:path";
import { getLogger } from "../../core/mod.ts";
import { verifyDirectory } from "./open.ts";

const log = getLogger("worker", "fs");

/**
 * Replaces `target` atomically: the bytes go to a fresh temp file in the same directory
 * (created exclusively, so a planted symlink cannot redirect it), are flushed to disk, and
 * the temp file is renamed over the target. Readers see the old file or the new one, never
 * a half-written one; on any failure the temp file is removed. The directory is re-checked
 * just before and after the rename (see resolve.ts on the remaining race).
 *
 * When `replacing` an existing file, the old file is first hard-linked aside and that link
 * removed after this returns: freeing a file's disk blocks is synchronous on some file
 * systems (ext4 with `discard` waits ~1.3 ms for the device), and a rename over a file
 * frees its blocks inside the rename. A crash before the removal leaves the old contents
 * under a hidden `.NAME.HEX.old` name beside the file. The new file gets the old one's
 * permission bits (an executable script stays executable, a private file private).
 */
export async function writeAtomically(
  workspace: string,
  target: string,
  options: { path: string; bytes: Uint8Array; replacing?: { mode: number | null } },
): Promise<void> {
  const dir = posix.dirname(target);
  const stem = `${dir}/.${shortName(posix.basename(target))}.${randomSuffix()}`;
  const temp = `${stem}.tmp`;
  await verifyDirectory(workspace, dir, options);
  let file: Deno.FsFile | undefined;
  let aside: string | undefined;
  try {
    file = Deno.openSync(temp, { write: true, createNew: true, mode: NEW_FILE_MODE });
    // what the umask leaves of the open mode, learnt once (one fstat per process)
    createdMode ??= file.statSync().mode! & PERMISSION_BITS;
    const mode = (options.replacing?.mode ?? createdMode) & PERMISSION_BITS;
    // chmod, not the open mode, which the umask cuts; not needed when they agree already
    if (mode !== createdMode) Deno.chmodSync(temp, mode);
    let written = 0;
    while (written < options.bytes.length) {
      written += file.writeSync(options.bytes.subarray(written));
    }
    // async on purpose: concurrent writes' flushes then share journal commits
    await file.syncData();
    file.close();
    file = undefined;
    await verifyDirectory(workspace, dir, options);
    if (options.replacing) aside = linkAside(target, `${stem}.old`);
    Deno.renameSync(temp, target);
  } catch (err) {
    file?.close();
    await Deno.remove(temp).catch(() => {});
    if (aside) removeLater(aside);
    throw err;
  }
  if (aside) removeLater(aside);
  await verifyDirectory(workspace, dir, options);
}

const NEW_FILE_MODE = 0o644;
// what a replacement keeps of the old file's mode: not the set-id and sticky bits
const PERMISSION_BITS = 0o777;
let createdMode: number | undefined;

// A second name for the file about to be replaced; undefined when the file system refuses
// hard links (the rename then frees the blocks itself, only more slowly).
function linkAside(target: string, aside: string): string | undefined {
  try {
    Deno.linkSync(target, aside);
    return aside;
  } catch {
    return undefined;
  }
}

const removals = new Set<Promise<void>>();

// Started at once: the device frees the blocks while the answer travels back, before the
// next write needs it to flush.
function removeLater(path: string): void {
  const removal = Deno.remove(path).catch((err) => {
    if (err instanceof Deno.errors.NotFound) return;
    log.warn("Could not remove the replaced file's old name", { path, error: String(err) });
  }).finally(() => removals.delete(removal));
  removals.add(removal);
}

/** Resolves once every old name set aside so far is removed (for shutdown and tests). */
export async function removalsSettled(): Promise<void> {
  while (removals.size > 0) await Promise.all(removals);
}

// Keeps the temp name within the 255-byte name limit whatever the target's name.
function shortName(name: string): string {
  return Array.from(name).slice(0, 40).join("");
}

// .NAME.<12 hex>.tmp and .NAME.<12 hex>.old, as writeAtomically names them
const LEFTOVER = /^\..+\.[0-9a-f]{12}\.(tmp|old)$/;

/**
 * Whether `name` is one of writeAtomically's hidden names: there only while a write runs,
 * or left by a crash; never the user's file.
 */
export function isWriteLeftover(name: string): boolean {
  return name.startsWith(".") && LEFTOVER.test(name);
}

// 48 random bits (a v4 UUID's first 12 hex digits are all random), unpredictable to code
// in the workspace that might plant a name; far cheaper than formatting random bytes.
function randomSuffix(): string {
  const uuid = crypto.randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13);
}
