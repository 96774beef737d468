import { posix } from "node:path";
import type { ArtifactGetArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { failure, requireFile, throwIfAborted } from "./_common.ts";
import { encodeBase64 } from "./encoding.ts";
import { detectMime } from "./mime.ts";
import { openVerified, readRange } from "./open.ts";
import { resolvePath } from "./resolve.ts";

/**
 * artifact.get: a whole file with its media type, as text when it is text and base64
 * otherwise (images are detected by magic bytes). Files over `maxFileBytes` are TOO_LARGE.
 */
export async function artifactGet(
  ctx: TaskContext,
  args: ArtifactGetArgs,
): Promise<TaskOutcome<"artifact.get">> {
  throwIfAborted(ctx);
  const resolved = await resolvePath(ctx.workspace, args.path, {
    intent: "read",
    maxPathBytes: ctx.limits.maxPathBytes,
  });
  const op = { verb: "get", path: args.path };
  requireFile(resolved, op);
  const { file, info } = await openVerified(ctx.workspace, resolved.host, op);
  let bytes: Uint8Array;
  try {
    const limit = ctx.limits.maxFileBytes;
    if (info.size > limit) {
      const detail = `${info.size} bytes exceed the file limit of ${limit} (MAX_FILE_BYTES): ` +
        "read it in slices with fs.read";
      throw failure("TOO_LARGE", detail, op);
    }
    bytes = await readRange(file, { offset: 0, length: info.size });
  } finally {
    file.close();
  }
  const detected = detectMime(posix.basename(resolved.relative), bytes);
  return {
    ok: true,
    result: {
      path: resolved.relative,
      mime_type: detected.mimeType,
      size_bytes: bytes.length,
      encoding: detected.text === null ? "base64" : "text",
      data: detected.text ?? encodeBase64(bytes),
    },
  };
}
