import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { compact, workerTool } from "./_worker_tool.ts";

/** `fs.list`: directory entries, optionally recursive and filtered by a glob. */
export function fsListTool(config: Config): ToolDefinition {
  return workerTool({
    name: "fs.list",
    tool: "fs.list",
    title: "List files",
    description: "List files and directories in the session workspace (default: its root). " +
      `recursive walks subdirectories; pattern filters by glob (*, **, ?, [abc]) against the path relative to the listed directory (**/*.py matches at any depth; a pattern with / or ** walks subdirectories unless recursive is false). At most ${config.limits.maxListEntries} entries.`,
    input: z.object({
      path: z.string().optional().describe(
        'Directory to list (default ".")',
      ),
      recursive: z.boolean().optional().describe(
        "Include subdirectories (default false, or true when pattern has / or **)",
      ),
      pattern: z.string().max(1024).optional().describe("Glob filter, e.g. **/*.py"),
    }),
    output: z.object({
      entries: z.array(z.object({
        path: z.string(),
        name: z.string(),
        size_bytes: z.number().int(),
        is_directory: z.boolean(),
        modified_time_ms: z.number(),
      })),
      total_count: z.number().int(),
      truncated: z.boolean(),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    paths: (a) => [a.path],
    maxPathBytes: config.limits.maxPathBytes,
    task: (a) => compact({ path: a.path, recursive: a.recursive, pattern: a.pattern }),
    reply(result) {
      const lines = result.entries.map((
        e,
      ) => (e.is_directory ? `${e.path}/` : `${e.path} (${e.size_bytes} bytes)`));
      if (result.truncated) lines.push(`... ${result.total_count - result.entries.length} more`);
      return { structured: { ...result }, text: lines.join("\n") || "(empty)" };
    },
  });
}
