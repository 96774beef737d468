/**
 * Sandboxed Python for the worker: run.python (stateless with a warm pool, or stateful),
 * pkg.install and test.run.
 * @module
 */
import { CodegenError } from "../../core/mod.ts";
import type { TaskOutcome, TaskTypes } from "../../rpc/mod.ts";
import type { TaskContext, WorkerOptions } from "../context.ts";

/** The Python side of a worker. */
export interface PythonRuntime {
  runPython(
    ctx: TaskContext,
    args: TaskTypes["run.python"]["args"],
  ): Promise<TaskOutcome<"run.python">>;
  pkgInstall(
    ctx: TaskContext,
    args: TaskTypes["pkg.install"]["args"],
  ): Promise<TaskOutcome<"pkg.install">>;
  testRun(ctx: TaskContext, args: TaskTypes["test.run"]["args"]): Promise<TaskOutcome<"test.run">>;
  /** Stops the session's persistent interpreter, if any. */
  closeSession(sessionId: string): Promise<void>;
  /** Stops every interpreter and the warm pool. */
  close(): Promise<void>;
}

/** Builds the Python runtime for a worker. */
export function createPythonRuntime(_options: WorkerOptions): PythonRuntime {
  const unavailable = () =>
    Promise.reject(
      new CodegenError("SANDBOX_UNAVAILABLE", "Python execution is not available yet"),
    );
  return {
    runPython: unavailable,
    pkgInstall: unavailable,
    testRun: unavailable,
    closeSession: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
