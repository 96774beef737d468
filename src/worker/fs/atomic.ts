import { posix } from "node:path";
import { verifyDirectory } from "./open.ts";

/**
 * Replaces `target` atomically: the bytes go to a fresh temp file in the same directory
 * (created exclusively, so a planted symlink cannot redirect it), are flushed to disk, and
 * the temp file is renamed over the target. Readers see the old file or the new one, never
 * a half-written one; on any failure the temp file is removed. The directory is re-checked
 * just before and after the rename (see resolve.ts on the remaining race).
 */
export async function writeAtomically(
  workspace: string,
  target: string,
  options: { path: string; bytes: Uint8Array },
): Promise<void> {
  const dir = posix.dirname(target);
  const temp = `${dir}/.${shortName(posix.basename(target))}.${randomSuffix()}.tmp`;
  await verifyDirectory(workspace, dir, options);
  let file: Deno.FsFile | undefined;
  try {
    file = Deno.openSync(temp, { write: true, createNew: true, mode: 0o644 });
    let written = 0;
    while (written < options.bytes.length) {
      written += file.writeSync(options.bytes.subarray(written));
    }
    await file.syncData();
    file.close();
    file = undefined;
    await verifyDirectory(workspace, dir, options);
    Deno.renameSync(temp, target);
  } catch (err) {
    file?.close();
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
  await verifyDirectory(workspace, dir, options);
}

// Keeps the temp name within the 255-byte name limit whatever the target's name.
function shortName(name: string): string {
  return Array.from(name).slice(0, 40).join("");
}

function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
