/**
 * Where a session's virtual environment lives and how the sandbox sees it. Created by
 * pkg.install on first use; run.python and test.run use it once it exists.
 * @module
 */
import type { TaskContext } from "../context.ts";
import type { Mount } from "../sandbox/runner.ts";

/** Path of the session's virtual environment inside the sandbox. */
export const VENV_SANDBOX_PATH = "/venv";

/** Host path of the session's virtual environment (worker-private state, not the workspace). */
export function sessionVenvDir(ctx: Pick<TaskContext, "stateDir">): string {
  return `${ctx.stateDir}/venv`;
}

/** Whether the session already has a virtual environment. */
// deno-lint-ignore require-await -- kept async so callers stay promise-shaped
export async function venvExists(ctx: Pick<TaskContext, "stateDir">): Promise<boolean> {
  // Listings, not an lstat of the config: every run asks, and a missing file would cost
  // a thrown NotFound each time (several times the price of two small listings).
  return hasEntry(ctx.stateDir, "venv", "dir") &&
    hasEntry(sessionVenvDir(ctx), "pyvenv.cfg", "file");
}

function hasEntry(dir: string, name: string, kind: "dir" | "file"): boolean {
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.name === name) return kind === "dir" ? entry.isDirectory : entry.isFile;
    }
  } catch {
    // no such directory: no venv
  }
  return false;
}

/** The mount that shows the venv at {@link VENV_SANDBOX_PATH}; writable only for pip. */
export function venvMount(ctx: Pick<TaskContext, "stateDir">, writable: boolean): Mount {
  return { host: sessionVenvDir(ctx), sandbox: VENV_SANDBOX_PATH, writable };
}

/** The interpreter to start inside the sandbox. */
export function pythonExecutable(hasVenv: boolean): string {
  return hasVenv ? `${VENV_SANDBOX_PATH}/bin/python3` : "python3";
}
