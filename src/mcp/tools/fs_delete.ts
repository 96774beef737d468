import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { compact, workerTool } from "./_worker_tool.ts";
import { pathArg } from "./schemas.ts";

/** `fs.delete`: removes a file, or a directory (non-empty only with recursive). */
export function fsDeleteTool(config: Config): ToolDefinition {
  return workerTool({
    name: "fs.delete",
    tool: "fs.delete",
    title: "Delete file",
    description: "Delete a file or directory in the session workspace. A non-empty directory " +
      "needs recursive: true. A symbolic link is removed itself, never its target.",
    input: z.object({
      path: pathArg(config),
      recursive: z.boolean().optional().describe(
        "Delete a directory with its contents (default false)",
      ),
    }),
    output: z.object({ path: z.string(), deleted: z.boolean() }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
    paths: (a) => [a.path],
    maxPathBytes: config.limits.maxPathBytes,
    task: (a) => compact({ path: a.path, recursive: a.recursive }),
    reply: (result) => ({ structured: { ...result }, text: `Deleted ${result.path}` }),
  });
}
