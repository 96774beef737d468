import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import { CodegenError } from "../../core/mod.ts";
import { requireWellFormed } from "../../policy/mod.ts";
import type { TaskResultOf } from "../../rpc/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { compact } from "./_worker_tool.ts";
import { backgroundableTool } from "./_python_tool.ts";
import { asyncArg, asyncOutput, bulkArg, pathArg } from "./schemas.ts";

/** `run.python`: runs Python in the session's sandbox. */
export function runPythonTool(config: Config): ToolDefinition {
  const l = config.limits;
  return backgroundableTool({
    name: "run.python",
    tool: "run.python",
    title: "Run Python",
    description:
      "Run Python code (or a workspace file) in an isolated sandbox with no network, in the " +
      "session workspace. Returns stdout and stderr separately, the exit code, and files created or " +
      `changed. timeout_seconds defaults to ${l.runTimeoutDefaultSeconds} (max ${l.runTimeoutMaxSeconds}); ` +
      `output is capped at ${l.outputLimitBytes} bytes per stream. stateful: true keeps variables ` +
      "between calls like a notebook. async: true returns a task_id at once.",
    input: z.object({
      code: bulkArg(config, "Python source to run (give code or file)").optional(),
      file: pathArg(config, "Workspace path of a script to run instead of code").optional(),
      args: z.array(z.string().max(4096)).max(256).optional().describe("Arguments (sys.argv[1:])"),
      stdin: bulkArg(config, "Text given on standard input").optional(),
      env: z.record(z.string(), z.string().max(32_768)).optional().describe(
        "Extra environment variables (cannot override the sandbox's own)",
      ),
      timeout_seconds: z.number().int().min(1).max(l.runTimeoutMaxSeconds).optional(),
      stateful: z.boolean().optional().describe("Run in the session's persistent interpreter"),
      async: asyncArg,
    }),
    output: z.object({
      stdout: z.string().optional(),
      stderr: z.string().optional(),
      exit_code: z.number().int().optional(),
      duration_ms: z.number().optional(),
      timed_out: z.boolean().optional(),
      truncated: z.boolean().optional(),
      artifacts: z.array(z.object({
        path: z.string(),
        size_bytes: z.number().int(),
        change: z.enum(["created", "modified"]),
      })).optional(),
      artifacts_truncated: z.boolean().optional().describe(
        "True when artifacts may be incomplete (a very large workspace, or over 1,000 changes)",
      ),
      interpreter_restarted: z.string().optional(),
      signal: z.string().optional().describe(
        "The signal that ended the run, e.g. SIGXCPU at the CPU limit",
      ),
      ...asyncOutput,
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    inOrder: (a) => a.stateful === true,
    validate(a) {
      if ((a.code === undefined) === (a.file === undefined)) {
        throw new CodegenError("INVALID_ARGUMENT", "Give exactly one of code or file");
      }
      requireWellFormed({ code: a.code, args: a.args, stdin: a.stdin, env: a.env });
    },
    paths: (a) => [a.file],
    maxPathBytes: l.maxPathBytes,
    task: (a) =>
      compact({
        code: a.code,
        file: a.file,
        args: a.args,
        stdin: a.stdin,
        env: a.env,
        timeout_seconds: a.timeout_seconds,
        stateful: a.stateful,
      }),
    // the text is made when it is sent: stdout and stderr are kept once, in `structured`
    reply: (result) => ({ structured: { ...result }, text: () => runText(result) }),
  });
}

// stdout, stderr and how the run ended, for the text block
function runText(result: TaskResultOf<"run.python">): string {
  const parts = [] as string[];
  if (result.interpreter_restarted) parts.push(`[interpreter ${result.interpreter_restarted}]`);
  if (result.stdout) parts.push(result.stdout);
  if (result.stderr) parts.push(`[stderr]\n${result.stderr}`);
  parts.push(
    `[exit code ${result.exit_code}${result.timed_out ? ", timed out" : ""}${
      result.truncated ? ", output truncated" : ""
    }]`,
  );
  return parts.join("\n");
}
