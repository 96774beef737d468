/**
 * The pieces every pip and pytest step hands the sandbox: a complete environment (nothing
 * is inherited from the worker), the configured resource limits, and worker-private
 * directories the sandboxed uid may write.
 * @module
 */
import type { Limits } from "../../config/mod.ts";
import type { SandboxLimits, SandboxRunner } from "../sandbox/runner.ts";
import { VENV_SANDBOX_PATH } from "./venv.ts";

/** The environment of a sandboxed Python step. */
export function pythonEnv(hasVenv: boolean): Record<string, string> {
  const path = "/usr/local/bin:/usr/bin:/bin";
  const env: Record<string, string> = {
    PATH: hasVenv ? `${VENV_SANDBOX_PATH}/bin:${path}` : path,
    // the sandbox's private /tmp: nothing from the worker's home leaks in
    HOME: "/tmp",
    LANG: "C.UTF-8",
    // keeps __pycache__ out of the user's workspace
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
  };
  if (hasVenv) env.VIRTUAL_ENV = VENV_SANDBOX_PATH;
  return env;
}

/** Sandbox limits from config; `cpuSeconds` may be raised for long steps such as pip. */
export function sandboxLimits(limits: Limits, cpuSeconds = limits.cpuSeconds): SandboxLimits {
  return {
    cpuSeconds,
    memoryBytes: limits.memoryBytes,
    maxProcesses: limits.maxProcesses,
    maxFileBytes: limits.maxWriteFileBytes,
  };
}

/** A runner that may drop to a dedicated uid per workspace (the bubblewrap runner as root). */
interface UidAwareRunner {
  sandboxUid(workspace: string): number | undefined;
}

function hasSandboxUid(runner: SandboxRunner): runner is SandboxRunner & UidAwareRunner {
  return typeof (runner as Partial<UidAwareRunner>).sandboxUid === "function";
}

/**
 * Creates a worker-private directory to mount writable into the sandbox. When the sandbox
 * runs under its own uid, the (empty, fresh) directory is handed to that uid; its contents
 * are then created by the sandboxed process itself.
 */
export async function makeSandboxDir(
  path: string,
  options: { runner: SandboxRunner; workspace: string },
): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  const uid = hasSandboxUid(options.runner)
    ? options.runner.sandboxUid(options.workspace)
    : undefined;
  if (uid === undefined) return;
  const info = await Deno.lstat(path);
  if (info.uid !== uid || info.gid !== uid) await Deno.chown(path, uid, uid);
}
