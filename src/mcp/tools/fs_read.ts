import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { compact, workerTool } from "./_worker_tool.ts";
import { pathArg } from "./schemas.ts";

/** `fs.read`: a workspace file as UTF-8 text or base64, optionally a byte range. */
export function fsReadTool(config: Config): ToolDefinition {
  return workerTool({
    name: "fs.read",
    tool: "fs.read",
    title: "Read file",
    description: "Read a file from the session workspace. Use encoding base64 for binary files; " +
      `offset/length select a byte range. At most ${config.limits.maxReadBytes} bytes are returned ` +
      "per call (truncated: true when more remain).",
    input: z.object({
      path: pathArg(config),
      encoding: z.enum(["utf-8", "base64"]).optional().describe("utf-8 (default) or base64"),
      offset: z.number().int().min(0).optional().describe("Byte offset to start at (default 0)"),
      length: z.number().int().min(0).optional().describe("Number of bytes to read"),
    }),
    output: z.object({
      path: z.string(),
      contents: z.string(),
      encoding: z.enum(["utf-8", "base64"]),
      size_bytes: z.number().int(),
      truncated: z.boolean(),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    paths: (a) => [a.path],
    maxPathBytes: config.limits.maxPathBytes,
    task: (a) =>
      compact({ path: a.path, encoding: a.encoding, offset: a.offset, length: a.length }),
    reply(result, call) {
      call.bytesOut = result.contents.length;
      return { structured: { ...result }, text: result.contents };
    },
  });
}
