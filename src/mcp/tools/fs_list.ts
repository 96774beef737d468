import { z } from "zod";
import { CodegenError } from "../../core/mod.ts";
import type { Config } from "../../config/mod.ts";
import { checkListAfter, quotePath } from "../../policy/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { compact, workerTool } from "./_worker_tool.ts";
import { pathArg } from "./schemas.ts";

/**
 * `fs.list`: directory entries, optionally recursive and filtered by a glob; `after` (an
 * answer's `next_after`) pages through a directory larger than one answer.
 */
export function fsListTool(config: Config): ToolDefinition {
  return workerTool({
    name: "fs.list",
    tool: "fs.list",
    title: "List files",
    description: "List files and directories in the session workspace (default: its root). " +
      `recursive walks subdirectories; pattern filters by glob (*, **, ?, [abc]) against the path relative to the listed directory (**/*.py matches at any depth; a pattern with / or ** walks subdirectories unless recursive is false). At most ${config.limits.maxListEntries} entries, sorted by path in Unicode code point order (as their UTF-8 bytes sort); truncated: true when more remain, and total_count counts them (a lower bound for a recursive walk cut short). To see the rest of a directory, call again with after set to next_after (not for recursive listings). Entries that cannot be looked up (removed meanwhile, or a name that is not valid UTF-8) are left out and counted in skipped.`,
    input: z.object({
      path: pathArg(config, 'Directory to list (default ".")').optional(),
      recursive: z.boolean().optional().describe(
        "Include subdirectories (default false, or true when pattern has / or **)",
      ),
      pattern: z.string().max(1024).optional().describe("Glob filter, e.g. **/*.py"),
      after: z.string().optional().describe(
        "List only names after this one (a name, not a path): a truncated listing's " +
          "next_after, to page through the rest. Only for listings that are not recursive; " +
          "total_count then counts what is left",
      ),
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
      next_after: z.string().optional().describe(
        "When a listing that is not recursive has more: pass it as after for the next page",
      ),
      skipped: z.number().int().optional().describe(
        "Entries left out because they could not be looked up: removed while listing, or a " +
          "name that is not valid UTF-8 (it cannot be opened by name)",
      ),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    paths: (a) => [a.path],
    // the worker's own check, so the answer is the same whichever side refuses
    check(a) {
      const refusal = a.after === undefined
        ? undefined
        : checkListAfter(a.after, config.limits.maxPathBytes);
      if (refusal !== undefined) {
        throw new CodegenError(
          "INVALID_ARGUMENT",
          `Cannot list ${quotePath(a.path ?? ".")}: ${refusal}`,
        );
      }
    },
    maxPathBytes: config.limits.maxPathBytes,
    task: (a) =>
      compact({ path: a.path, recursive: a.recursive, pattern: a.pattern, after: a.after }),
    reply(result) {
      const lines = result.entries.map((
        e,
      ) => (e.is_directory ? `${e.path}/` : `${e.path} (${e.size_bytes} bytes)`));
      if (result.skipped) {
        lines.push(`(${result.skipped} left out: removed, or a name that is not valid UTF-8)`);
      }
      if (result.truncated) {
        const shown = result.entries.length + (result.skipped ?? 0);
        const next = result.next_after === undefined
          ? ""
          : `; the next page is after ${JSON.stringify(result.next_after)}`;
        lines.push(`... ${result.total_count - shown} more${next}`);
      }
      return { structured: { ...result }, text: lines.join("\n") || "(empty)" };
    },
  });
}
