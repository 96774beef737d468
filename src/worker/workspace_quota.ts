import { CodegenError, settlesWithin } from "../core/mod.ts";
import type { TaskOutcome, TaskTool } from "../rpc/mod.ts";
import type { SessionUsage } from "./workspace_usage.ts";

/** Tools that run code in the workspace: refused while it is over MAX_WORKSPACE_BYTES. */
const RUNS_CODE: ReadonlySet<TaskTool> = new Set(["run.python", "test.run", "pkg.install"]);

/**
 * Refuses to start a tool that runs code while the workspace is already over its limit: a
 * run could only add to it. The file tools are never refused here (fs.write checks its own
 * growth; fs.delete is how a session gets back under the limit). Measuring a workspace of
 * very many files takes long: past `withinMs` (what the call's time limit leaves) the call
 * is a retriable TIMEOUT while the measure goes on for the next call.
 */
export async function refuseOverLimit(
  tool: TaskTool,
  usage: SessionUsage,
  withinMs = Infinity,
): Promise<void> {
  if (!RUNS_CODE.has(tool)) return;
  const measuring = usage.bytes();
  if (Number.isFinite(withinMs) && !(await settlesWithin(measuring, Math.max(0, withinMs)))) {
    measuring.catch(() => {}); // its failure is the next call's to report
    throw new CodegenError(
      "TIMEOUT",
      `Cannot start ${tool}: the call's time limit ran out while the worker measured the ` +
        "workspace (very many files); the measure goes on, so a retry is quicker; delete " +
        "files the session no longer needs, or give a longer timeout_seconds",
      { retriable: true },
    );
  }
  const bytes = await measuring;
  if (bytes <= usage.limit) return;
  throw new CodegenError(
    "LIMIT_EXCEEDED",
    `Cannot start ${tool}: the workspace holds ${bytes} bytes, over its limit of ` +
      `${usage.limit} (MAX_WORKSPACE_BYTES); delete files with fs.delete to make room`,
  );
}

/**
 * After a task, however it ended: test.run ran code that may have written anything and
 * takes no walk of its own, so the workspace is measured again when next needed.
 * (run.python records the walk it takes after every run; pkg.install writes only the
 * session's venv, outside the workspace.)
 */
export function changedUnseen(tool: TaskTool, usage: SessionUsage): void {
  if (tool === "test.run") usage.invalidate();
}

/**
 * A run.python that left the workspace over its limit, as the walk after the run found,
 * says so in its result, which is then an error whatever the run's exit code.
 */
export function noteOverLimit(
  tool: TaskTool,
  usage: SessionUsage,
  outcome: TaskOutcome,
): TaskOutcome {
  if (tool !== "run.python" || !outcome.ok) return outcome;
  const bytes = usage.known();
  if (bytes === undefined || bytes <= usage.limit) return outcome;
  const note = `LIMIT_EXCEEDED: The run left the workspace holding ${bytes} bytes, over its ` +
    `limit of ${usage.limit} (MAX_WORKSPACE_BYTES); run.python, test.run and pkg.install are ` +
    "refused until files are deleted (fs.delete)";
  const text = outcome.error_text ? `${outcome.error_text}\n${note}` : note;
  return { ...outcome, is_error: true, error_text: text };
}
