import { CodegenError } from "../../core/mod.ts";
import type { TaskOutcome, TaskTypes } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import type { SandboxRunner } from "../sandbox/runner.ts";

/** What pkg.install needs besides its arguments. */
export interface PkgInstallDeps {
  runner: SandboxRunner;
  /** Default index when the call gives none. */
  pipIndexUrl?: string | undefined;
  /** Called after the session's environment changed (warm interpreters must restart). */
  onEnvironmentChanged?: (sessionId: string) => void | Promise<void>;
}

/** Installs packages into the session's virtual environment. */
export function pkgInstall(
  _ctx: TaskContext,
  _args: TaskTypes["pkg.install"]["args"],
  _deps: PkgInstallDeps,
): Promise<TaskOutcome<"pkg.install">> {
  return Promise.reject(new CodegenError("INTERNAL", "pkg.install is not implemented yet"));
}
