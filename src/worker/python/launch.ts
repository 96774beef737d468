import type { Limits } from "../../config/mod.ts";
import type { TaskContext } from "../context.ts";
import type { SandboxLaunchSpec, SandboxLimits } from "../sandbox/mod.ts";
import { sandboxEnv } from "./env.ts";
import { pythonExecutable, venvMount } from "./venv.ts";

/** The sandbox rlimits from the worker's limits. */
export function sandboxLimits(limits: Limits): SandboxLimits {
  return {
    cpuSeconds: limits.cpuSeconds,
    memoryBytes: limits.memoryBytes,
    maxProcesses: limits.maxProcesses,
    maxFileBytes: limits.maxWriteFileBytes,
  };
}

/**
 * A sandboxed interpreter for the session running `source` (the fork server or the
 * kernel) with `args` in `sys.argv[1:]`.
 */
export function interpreterSpec(
  ctx: Pick<TaskContext, "workspace" | "stateDir" | "limits">,
  options: { hasVenv: boolean; source: string; args?: string[] },
): SandboxLaunchSpec {
  const { hasVenv, source, args = [] } = options;
  return {
    argv: [pythonExecutable(hasVenv), "-c", source, ...args],
    workspace: ctx.workspace,
    env: sandboxEnv(hasVenv),
    mounts: hasVenv ? [venvMount(ctx, false)] : [],
    limits: sandboxLimits(ctx.limits),
  };
}
