import { posix } from "node:path";
import { requireWellFormed } from "../../policy/mod.ts";
import type { FsWriteArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { failure, requireEncoding, requireFile, throwIfAborted } from "./_common.ts";
import { inPathTurn } from "./_path_turns.ts";
import { reserveRoom } from "./_room.ts";
import { isWriteLeftover, writeAtomically } from "./atomic.ts";
import { base64Size, decodeBase64 } from "./encoding.ts";
import { openVerified, readRange } from "./open.ts";
import { type ResolvedPath, resolvePath } from "./resolve.ts";

const encoder = new TextEncoder();

/**
 * fs.write: writes `contents` (utf-8 or strict base64) atomically, creating parent
 * directories unless `create_dirs` is false. `append` copies the existing bytes plus the
 * new ones into the replacement file, so a crash never leaves a half-appended file. A
 * replaced file keeps its permission bits; writes to one file run one at a time. A write
 * that would take the workspace over MAX_WORKSPACE_BYTES is refused with LIMIT_EXCEEDED.
 */
export async function fsWrite(
  ctx: TaskContext,
  args: FsWriteArgs,
): Promise<TaskOutcome<"fs.write">> {
  throwIfAborted(ctx);
  // fs.list hides such names (a write in progress, or left by a crash): a file named so by
  // the caller would be written and then never listed
  if (isWriteLeftover(posix.basename(args.path))) {
    const detail = "names like .NAME.<12 hex digits>.tmp or .old are kept for fs.write's " +
      "temporary files; choose another name";
    throw failure("INVALID_ARGUMENT", detail, { verb: "write", path: args.path });
  }
  const data = decodeContents(args, ctx.limits.maxFileBytes);
  const resolved = await resolvePath(ctx.workspace, args.path, {
    intent: "write",
    createParents: args.create_dirs ?? true,
    allowRoot: false,
    maxPathBytes: ctx.limits.maxPathBytes,
  });
  return await inPathTurn(ctx, resolved, async (info) => {
    await writeResolved(ctx, args, { ...resolved, info }, data);
    return { ok: true, result: { path: resolved.relative, bytes_written: data.length } };
  });
}

async function writeResolved(
  ctx: TaskContext,
  args: FsWriteArgs,
  resolved: ResolvedPath,
  data: Uint8Array,
): Promise<void> {
  const op = { verb: "write", path: args.path };
  if (resolved.info?.isDirectory) {
    throw failure("INVALID_ARGUMENT", "it is a directory", op);
  }
  if (resolved.info === null) {
    let parent: Deno.FileInfo | null = null;
    try {
      parent = Deno.lstatSync(posix.dirname(resolved.host));
    } catch { /* missing: reported below */ }
    if (!parent?.isDirectory) {
      // with create_dirs it was made when the path was resolved: something removed it since
      const detail = args.create_dirs === false
        ? "the parent directory does not exist (create_dirs is false)"
        : "the parent directory was removed while the write ran";
      throw failure("NOT_FOUND", detail, op);
    }
  }
  let bytes = data;
  if (args.append && resolved.info !== null) {
    requireFile(resolved, { verb: "append to", path: args.path });
    bytes = await withExisting(ctx, resolved.host, { path: args.path, data });
  }
  throwIfAborted(ctx);
  const replaced = resolved.info?.isFile ? resolved.info.size : 0;
  const undo = await reserveRoom(ctx, bytes.length - replaced, op);
  try {
    await writeAtomically(ctx.workspace, resolved.host, {
      path: args.path,
      bytes,
      replacing: resolved.info?.isFile ? { mode: resolved.info.mode } : undefined,
    });
  } catch (err) {
    undo();
    throw err;
  }
}

function decodeContents(args: FsWriteArgs, limit: number): Uint8Array {
  const op = { verb: "write", path: args.path };
  const tooLarge = (size: number) =>
    failure("TOO_LARGE", `${size} bytes exceed the file limit of ${limit} (MAX_FILE_BYTES)`, op);
  if (requireEncoding(args.encoding, op) === "base64") {
    if (base64Size(args.contents) > limit) throw tooLarge(base64Size(args.contents));
    const bytes = decodeBase64(args.contents);
    if (bytes === null) {
      const detail = "contents are not valid base64 (padded, standard alphabet, no spaces)";
      throw failure("INVALID_ARGUMENT", detail, op);
    }
    return bytes;
  }
  // every UTF-16 unit is at least one UTF-8 byte: refuse before encoding a huge string
  if (args.contents.length > limit) throw tooLarge(args.contents.length);
  // the coordinator refuses this too; a lone surrogate would be written as U+FFFD
  requireWellFormed({ contents: args.contents });
  const bytes = encoder.encode(args.contents);
  if (bytes.length > limit) throw tooLarge(bytes.length);
  return bytes;
}

async function withExisting(
  ctx: TaskContext,
  host: string,
  options: { path: string; data: Uint8Array },
): Promise<Uint8Array> {
  const { data } = options;
  const op = { verb: "append to", path: options.path };
  const { file, info } = await openVerified(ctx.workspace, host, op);
  try {
    const total = info.size + data.length;
    const limit = ctx.limits.maxFileBytes;
    if (total > limit) {
      const detail =
        `appending makes ${total} bytes, over the file limit of ${limit} (MAX_FILE_BYTES)`;
      throw failure("TOO_LARGE", detail, op);
    }
    const existing = await readRange(file, { offset: 0, length: info.size });
    const joined = new Uint8Array(existing.length + data.length);
    joined.set(existing);
    joined.set(data, existing.length);
    return joined;
  } finally {
    file.close();
  }
}
