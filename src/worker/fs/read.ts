import type { CodegenError } from "../../core/mod.ts";
import type { FsReadArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { failure, requireCount, requireEncoding, requireFile, throwIfAborted } from "./_common.ts";
import { decodeUtf8, encodeBase64, utf8Boundary } from "./encoding.ts";
import { openVerified, readRange } from "./open.ts";
import { resolvePath } from "./resolve.ts";

/**
 * fs.read: returns a file, or the byte slice `offset`/`length` of it, read with a seek so
 * only that slice is loaded. Without `length`, more than `maxReadBytes` is cut short with
 * `truncated: true` (on a character boundary for utf-8); an explicit `length` above the
 * limit is TOO_LARGE.
 */
export async function fsRead(ctx: TaskContext, args: FsReadArgs): Promise<TaskOutcome<"fs.read">> {
  throwIfAborted(ctx);
  const op = { verb: "read", path: args.path };
  const encoding = requireEncoding(args.encoding, op);
  const offset = requireCount(args.offset ?? 0, "offset", op);
  const limit = ctx.limits.maxReadBytes;
  if (args.length !== undefined) {
    const length = requireCount(args.length, "length", op);
    if (length > limit) {
      const detail = `length ${length} exceeds the read limit of ${limit} bytes ` +
        `(MAX_READ_BYTES): read at most ${limit} bytes a call, moving offset on`;
      throw failure("TOO_LARGE", detail, op);
    }
  }
  const resolved = await resolvePath(ctx.workspace, args.path, {
    intent: "read",
    maxPathBytes: ctx.limits.maxPathBytes,
  });
  requireFile(resolved, op);
  const { file, info } = await openVerified(ctx.workspace, resolved.host, op);
  let bytes: Uint8Array;
  let truncated: boolean;
  try {
    const available = Math.max(0, info.size - offset);
    const wanted = args.length === undefined ? available : Math.min(args.length, available);
    truncated = wanted > limit;
    // no seek past the end: a huge offset is just an empty read, not an OS error
    bytes = wanted === 0
      ? new Uint8Array(0)
      : await readRange(file, { offset, length: Math.min(wanted, limit) });
  } finally {
    file.close();
  }
  let contents: string;
  if (encoding === "base64") {
    contents = encodeBase64(bytes);
  } else {
    const text = decodeUtf8(truncated ? bytes.subarray(0, utf8Boundary(bytes)) : bytes);
    if (text === null) throw notText(bytes, { offset, op });
    contents = text;
  }
  return {
    ok: true,
    result: { path: resolved.relative, contents, encoding, size_bytes: info.size, truncated },
  };
}

// Says whether only the range's ends cut a character (and which range would not), since
// reading a valid UTF-8 file in fixed-size slices hits that at any multi-byte character.
function notText(
  bytes: Uint8Array,
  options: { offset: number; op: { verb: string; path: string } },
): CodegenError {
  let start = 0;
  while (
    options.offset > 0 && start < 3 && start < bytes.length && (bytes[start]! & 0xc0) === 0x80
  ) start++;
  const end = utf8Boundary(bytes);
  if ((start > 0 || end < bytes.length) && end > start && decodeUtf8(bytes.subarray(start, end))) {
    const from = options.offset + start;
    const detail = `bytes ${options.offset}-${options.offset + bytes.length} cut a UTF-8 ` +
      `character; offset ${from} with length ${end - start} reads whole characters, or read ` +
      'with encoding "base64"';
    return failure("INVALID_ARGUMENT", detail, options.op);
  }
  const detail = 'the bytes are not valid UTF-8 text; read them with encoding "base64"';
  return failure("INVALID_ARGUMENT", detail, options.op);
}
