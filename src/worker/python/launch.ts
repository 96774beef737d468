import type { Limits } from "../../config/mod.ts";
import type { TaskContext } from "../context.ts";
import { type SandboxLaunchSpec, type SandboxLimits, systemPython } from "../sandbox/mod.ts";
import { sandboxEnv } from "./env.ts";
import { pythonExecutable, venvMount } from "./venv.ts";

/**
 * Sandboxes a session may have besides its runs' (see {@link runSlots}): its stateful
 * kernel, its spare fork server, and a few still being torn down.
 */
export const EXTRA_SANDBOXES = 6;

/**
 * How many of a session's runs may hold a sandbox at once (stateless run.python, test.run,
 * pkg.install; more wait their turn): as many as it may have background tasks running.
 */
export function runSlots(limits: Limits): number {
  return limits.maxTasksPerSession;
}

/**
 * The sandbox rlimits from the worker's limits. Each sandbox may have maxProcesses
 * processes (its launcher's one more); a session's sandboxes together, what that allows for
 * every run slot and the extra sandboxes, so a run whose turn has come can always start.
 * test.run and pkg.install have one more process each: the launcher waiting to report how
 * their command ended.
 */
export function sandboxLimits(limits: Limits): SandboxLimits {
  const slots = runSlots(limits);
  const sandboxes = slots + EXTRA_SANDBOXES;
  return {
    cpuSeconds: limits.cpuSeconds,
    memoryBytes: limits.memoryBytes,
    maxProcesses: limits.maxProcesses,
    sessionProcesses: sandboxes * (limits.maxProcesses + 1) + slots,
    maxFileBytes: limits.maxWriteFileBytes,
  };
}

/**
 * How many calls' worth of CPU time (SANDBOX_CPU_SECONDS each) a stateful interpreter may use
 * in all. Each call has its own limit, but code in the interpreter can raise its soft limit
 * up to the hard one, so the hard one is what bounds it.
 */
export const KERNEL_CPU_CALLS = 10;

/**
 * The rlimits of a stateful interpreter: the CPU limit applies to each call (the kernel
 * moves its soft limit on before each one), within a hard limit on its whole life.
 */
export function kernelLimits(limits: Limits): SandboxLimits {
  return { ...sandboxLimits(limits), cpuHardSeconds: limits.cpuSeconds * KERNEL_CPU_CALLS };
}

/**
 * A sandboxed interpreter for the session running `source` (the fork server or the
 * kernel) with `args` in `sys.argv[1:]`, under `limits` (default {@link sandboxLimits}).
 *
 * The trusted code starts on the system python3, never the venv's: a venv's packages, from
 * an index the client chose, can replace its interpreter and its pyvenv.cfg. With a venv it
 * also starts without `site` (`-S`), or their `.pth` files would run in it at start-up; user
 * code sets `site` up after the fork, as the venv's interpreter (`--venv-python`, see
 * JOB_FRAMING's `_enable_site`). Without one, `site` reads only the read-only system's
 * site-packages and a user site on the sandbox's fresh /tmp: no caller's code, so it runs at
 * start-up as before and runs share it, rather than costing every stateless run its
 * milliseconds.
 */
export function interpreterSpec(
  ctx: Pick<TaskContext, "workspace" | "stateDir" | "limits">,
  options: { hasVenv: boolean; source: string; args?: string[]; limits?: SandboxLimits },
): SandboxLaunchSpec {
  const { hasVenv, source, args = [] } = options;
  const argv = hasVenv
    ? [systemPython(), "-S", "-c", source, ...args, "--venv-python", pythonExecutable(true)]
    : [systemPython(), "-c", source, ...args];
  return {
    argv,
    workspace: ctx.workspace,
    env: sandboxEnv(hasVenv),
    mounts: hasVenv ? [venvMount(ctx, false)] : [],
    limits: options.limits ?? sandboxLimits(ctx.limits),
  };
}
