import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import { requireWellFormed } from "../../policy/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { compact, workerTool } from "./_worker_tool.ts";
import { bulkArg, pathArg } from "./schemas.ts";

/** `fs.write`: writes a workspace file atomically (temp file + rename). */
export function fsWriteTool(config: Config): ToolDefinition {
  return workerTool({
    name: "fs.write",
    tool: "fs.write",
    title: "Write file",
    description: "Write a file in the session workspace atomically (never left half written). " +
      "Parent directories are created unless create_dirs is false; append adds to the end.",
    input: z.object({
      path: pathArg(config),
      contents: bulkArg(config, "File contents (UTF-8 text, or base64 when encoding is base64)"),
      encoding: z.enum(["utf-8", "base64"]).optional().describe("utf-8 (default) or base64"),
      create_dirs: z.boolean().optional().describe(
        "Create missing parent directories (default true)",
      ),
      append: z.boolean().optional().describe("Append instead of replacing (default false)"),
    }),
    output: z.object({ path: z.string(), bytes_written: z.number().int() }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: false,
    },
    paths: (a) => [a.path],
    // text has no UTF-8 form with a lone surrogate: refused, not written as U+FFFD
    check(a) {
      if (a.encoding !== "base64") requireWellFormed({ contents: a.contents });
    },
    maxPathBytes: config.limits.maxPathBytes,
    task: (a) =>
      compact({
        path: a.path,
        contents: a.contents,
        encoding: a.encoding,
        create_dirs: a.create_dirs,
        append: a.append,
      }),
    reply: (result) => ({
      structured: { ...result },
      text: `Wrote ${result.bytes_written} ${
        result.bytes_written === 1 ? "byte" : "bytes"
      } to ${result.path}`,
    }),
  });
}
