import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import { requireWellFormed } from "../../policy/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { compact } from "./_worker_tool.ts";
import { backgroundableTool } from "./_python_tool.ts";
import { asyncArg, asyncOutput, pathArg } from "./schemas.ts";

/** `test.run`: pytest in the session environment with structured counts. */
export function testRunTool(config: Config): ToolDefinition {
  const l = config.limits;
  return backgroundableTool({
    name: "test.run",
    tool: "test.run",
    title: "Run tests",
    description:
      "Run pytest over a workspace path (default: the whole workspace) in the sandbox and " +
      "return passed/failed/error/skipped counts with each failure's test id and message.",
    input: z.object({
      path: pathArg(config, 'Test file or directory (default ".")').optional(),
      args: z.array(z.string().max(1024)).max(64).optional().describe(
        "Extra pytest arguments (-k, -m, -x, -v, ...)",
      ),
      timeout_seconds: z.number().int().min(1).max(l.runTimeoutMaxSeconds).optional(),
      async: asyncArg,
    }),
    output: z.object({
      passed: z.number().int().optional(),
      failed: z.number().int().optional(),
      errors: z.number().int().optional(),
      skipped: z.number().int().optional(),
      duration_ms: z.number().optional(),
      exit_code: z.number().int().optional(),
      failures: z.array(z.object({ test: z.string(), message: z.string() })).optional(),
      output_tail: z.string().optional(),
      ...asyncOutput,
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    // the path's own check refuses a path that is not Unicode (PATH_VIOLATION)
    validate: (a) => requireWellFormed({ args: a.args }),
    paths: (a) => [a.path],
    maxPathBytes: l.maxPathBytes,
    task: (a) => compact({ path: a.path, args: a.args, timeout_seconds: a.timeout_seconds }),
    reply(r) {
      const lines = [
        `${r.passed} passed, ${r.failed} failed, ${r.errors} errors, ${r.skipped} skipped (exit code ${r.exit_code})`,
      ];
      for (const f of r.failures) lines.push(`FAILED ${f.test}: ${f.message}`);
      return { structured: { ...r }, text: lines.join("\n") };
    },
  });
}
