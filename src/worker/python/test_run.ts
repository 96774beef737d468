import { CodegenError } from "../../core/mod.ts";
import type { TaskOutcome, TaskTypes } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import type { SandboxRunner } from "../sandbox/runner.ts";

/** What test.run needs besides its arguments. */
export interface TestRunDeps {
  runner: SandboxRunner;
}

/** Runs pytest in the session's environment and returns structured counts. */
export function testRun(
  _ctx: TaskContext,
  _args: TaskTypes["test.run"]["args"],
  _deps: TestRunDeps,
): Promise<TaskOutcome<"test.run">> {
  return Promise.reject(new CodegenError("INTERNAL", "test.run is not implemented yet"));
}
