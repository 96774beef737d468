import { CodegenError } from "../../core/mod.ts";
import { requireRelativePath, requireWellFormed } from "../../policy/mod.ts";
import type { RunPythonArgs } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { SANDBOX_WORKSPACE } from "../sandbox/mod.ts";
import { runTimeoutMs } from "./call_deadline.ts";
import { validateUserEnv } from "./env.ts";

/** Most `args` a call may pass. */
export const MAX_ARGS = 1024;

/** A validated run.python call, as the fork server and the kernel read it. */
export interface PythonJob {
  code?: string;
  /** Absolute path inside the sandbox. */
  file?: string;
  /** `sys.argv[0]` in file mode: the path as given, relative to the workspace. */
  argv0?: string;
  args: string[];
  env: Record<string, string>;
  stdin: string;
  timeoutMs: number;
  stateful: boolean;
}

/**
 * Validates run.python arguments into a job. Throws INVALID_ARGUMENT / PATH_VIOLATION /
 * NOT_FOUND. `workspaceDir` is where the interpreter sees the workspace (the host path
 * when running without a sandbox).
 */
export async function buildJob(
  ctx: TaskContext,
  args: RunPythonArgs,
  options: { workspaceDir?: string } = {},
): Promise<PythonJob> {
  const workspaceDir = options.workspaceDir ?? SANDBOX_WORKSPACE;
  const hasCode = typeof args.code === "string";
  const hasFile = typeof args.file === "string";
  if (hasCode === hasFile) {
    throw new CodegenError("INVALID_ARGUMENT", "Give exactly one of code or file");
  }
  const limits = ctx.limits;
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  if (hasCode && bytes(args.code!) > limits.maxArgumentBytes) {
    throw new CodegenError("TOO_LARGE", `Code is larger than ${limits.maxArgumentBytes} bytes`);
  }
  const argv = args.args ?? [];
  if (!Array.isArray(argv) || argv.length > MAX_ARGS || argv.some((a) => typeof a !== "string")) {
    throw new CodegenError("INVALID_ARGUMENT", `Invalid args: at most ${MAX_ARGS} strings`);
  }
  const stdin = args.stdin ?? "";
  if (typeof stdin !== "string" || bytes(stdin) > limits.maxArgumentBytes) {
    throw new CodegenError("INVALID_ARGUMENT", "Invalid stdin: a string within the size limit");
  }
  // the coordinator refuses these too; checked again here, as paths are, before any run
  requireWellFormed({ code: args.code, args: argv, stdin, env: args.env });
  const job: PythonJob = {
    args: argv,
    env: validateUserEnv(args.env),
    stdin,
    timeoutMs: runTimeoutMs(args.timeout_seconds, limits),
    stateful: args.stateful === true,
  };
  if (hasCode) job.code = args.code!;
  else {
    const rel = await existingFile(ctx, args.file!);
    job.file = `${workspaceDir}/${rel}`;
    job.argv0 = rel;
  }
  return job;
}

/** Checks `path` lexically, then that it is a regular file really inside the workspace. */
async function existingFile(ctx: TaskContext, path: string): Promise<string> {
  const { normalized } = requireRelativePath(path, { allowRoot: false });
  let real: string;
  try {
    real = await Deno.realPath(`${ctx.workspace}/${normalized}`);
  } catch {
    throw new CodegenError("NOT_FOUND", `Cannot run "${normalized}": no such file`);
  }
  if (!real.startsWith(`${ctx.workspace}/`)) {
    throw new CodegenError(
      "PATH_VIOLATION",
      `Cannot run "${normalized}": path leaves the workspace`,
    );
  }
  if (!(await Deno.stat(real)).isFile) {
    throw new CodegenError("INVALID_ARGUMENT", `Cannot run "${normalized}": not a file`);
  }
  return normalized;
}

/** The JSON fields both interpreters understand. */
export function jobPayload(job: PythonJob): Record<string, unknown> {
  return job.file === undefined
    ? { code: job.code, args: job.args, env: job.env }
    : { file: job.file, argv0: job.argv0, args: job.args, env: job.env };
}
