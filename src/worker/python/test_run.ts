import { getLogger } from "../../core/mod.ts";
import type { TaskOutcome, TaskTypes, TestRunResult } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import type { SandboxResult, SandboxRunner } from "../sandbox/runner.ts";
import { type JunitReport, readJunitReport } from "./junit_report.ts";
import { OutputCollector } from "./output_collector.ts";
import { checkPytestArgs } from "./pytest_args.ts";
import { CallDeadline, runTimeoutMs } from "./call_deadline.ts";
import { sandboxEnv } from "./env.ts";
import { sandboxLimits } from "./launch.ts";
import { makeSandboxDir } from "./sandbox_dir.ts";
import { resolveTestTarget } from "./test_target.ts";
import { pythonExecutable, venvExists, venvMount } from "./venv.ts";

const log = getLogger("worker", "pytest");

/** What test.run needs besides its arguments. */
export interface TestRunDeps {
  runner: SandboxRunner;
  /** The call's time limit, counted from when it reached the worker; default: from now. */
  deadline?: CallDeadline;
}

/** Where the per-run report directory appears inside the sandbox. */
const REPORT_MOUNT = "/run-out";
const REPORT_FILE = "junit.xml";

/**
 * Exit codes of a pytest session that ran to its end, which always writes the report: all
 * passed, some failed, none collected. Without a report, something ended the process early
 * (e.g. a test calling `os._exit(0)`), and its exit code says nothing about the tests.
 */
const REPORTED_EXITS = new Set([0, 1, 5]);

const EXIT_MEANINGS: Record<number, string> = {
  2: "interrupted, e.g. by errors during collection",
  3: "internal error",
  4: "usage error",
};

/**
 * Runs pytest over `path` in the session's environment (its venv when pkg.install made
 * one). The JUnit report goes to a worker-private directory mounted for this run only,
 * never into the workspace, and is removed afterwards.
 */
export async function testRun(
  ctx: TaskContext,
  args: TaskTypes["test.run"]["args"],
  deps: TestRunDeps,
): Promise<TaskOutcome<"test.run">> {
  const userArgs = checkPytestArgs(args.args);
  const deadline = deps.deadline ??
    new CallDeadline(ctx, runTimeoutMs(args.timeout_seconds, ctx.limits));
  const target = await resolveTestTarget(ctx.workspace, args.path ?? ".");
  const hasVenv = await venvExists(ctx);
  const reportDir = `${ctx.stateDir}/test-run-${crypto.randomUUID()}`;
  await makeSandboxDir(reportDir, { runner: deps.runner, workspace: ctx.workspace });
  try {
    const output = new OutputCollector((e) => ctx.emit(e));
    const timeoutMs = deadline.startNow("a run slot");
    const run = await deps.runner.run({
      argv: [
        pythonExecutable(hasVenv),
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider", // no .pytest_cache in the workspace
        "--rootdir=/workspace", // node ids relative to the workspace; no conftest above it
        "-o",
        "junit_family=xunit1", // adds `file`, which node ids are rebuilt from
        `--junitxml=${REPORT_MOUNT}/${REPORT_FILE}`,
        ...userArgs,
        target,
      ],
      workspace: ctx.workspace,
      env: sandboxEnv(hasVenv),
      mounts: [
        ...(hasVenv ? [venvMount(ctx, false)] : []),
        { host: reportDir, sandbox: REPORT_MOUNT, writable: true },
      ],
      network: false,
      limits: sandboxLimits(ctx.limits),
      timeoutMs,
      outputLimitBytes: ctx.limits.outputLimitBytes,
      signal: ctx.signal,
      onOutput: output.onOutput,
    });
    output.flush();
    if (!output.received) output.append(run.stdout + run.stderr);
    if (run.cancelled) {
      return {
        ok: false,
        error: { code: "CANCELLED", message: "test.run was cancelled", retriable: false },
      };
    }
    const report = await readJunitReport(`${reportDir}/${REPORT_FILE}`);
    const timedOut = `TIMEOUT: pytest did not finish within ${deadline.timeoutMs / 1000} s` +
      deadline.waitNote();
    return outcome(run, report, output.tail(), timedOut);
  } finally {
    await Deno.remove(reportDir, { recursive: true }).catch((err) => {
      log.warn("Could not remove {dir}: {error}", { dir: reportDir, error: String(err) });
    });
  }
}

function outcome(
  run: SandboxResult,
  report: JunitReport,
  tail: string,
  timedOut: string,
): TaskOutcome<"test.run"> {
  const summary = report.ok ? report.summary : undefined;
  // a report that was there but too large is ignored, and the result says so
  const ignored = !report.ok && report.ignored !== undefined
    ? `The JUnit report was ignored: ${report.ignored} (a test may have rewritten it)`
    : undefined;
  if (ignored !== undefined) tail = `${ignored}\n${tail}`;
  const result: TestRunResult = {
    passed: summary?.passed ?? 0,
    failed: summary?.failed ?? 0,
    errors: summary?.errors ?? 0,
    skipped: summary?.skipped ?? 0,
    duration_ms: run.durationMs,
    exit_code: run.exitCode,
    failures: summary?.failures ?? [],
    output_tail: tail,
  };
  if (run.timedOut) return { ok: true, result, is_error: true, error_text: timedOut };
  if (summary === undefined && REPORTED_EXITS.has(run.exitCode)) {
    const text = ignored !== undefined
      ? `TEST_RUN_FAILED: pytest exited with code ${run.exitCode}; ${lowerFirst(ignored)}`
      : `TEST_RUN_FAILED: pytest exited with code ${run.exitCode} without a readable ` +
        "report (a test may have ended the process)";
    return { ok: true, result, is_error: true, error_text: text };
  }
  // the verdict follows pytest's exit code when the report disagrees with it
  const reportFailed = result.failed + result.errors > 0;
  const counts = `${result.failed} failed, ${result.errors} errors, ` +
    `${result.passed} passed, ${result.skipped} skipped`;
  switch (run.exitCode) {
    case 0:
      if (reportFailed) {
        result.output_tail = `pytest exited with code 0 (all passed), but its report says ` +
          `${counts} (a test may have rewritten it)\n${tail}`;
      }
      return { ok: true, result };
    case 5:
      result.output_tail = `No tests were collected (pytest exit code 5).\n${tail}`;
      return { ok: true, result };
    case 1: {
      const text = reportFailed ? `TESTS_FAILED: ${counts}` : "TESTS_FAILED: pytest exited with " +
        `code 1 (tests failed), but its report says ${counts} (a test may have rewritten it)`;
      return { ok: true, result, is_error: true, error_text: text };
    }
    default: {
      const meaning = EXIT_MEANINGS[run.exitCode] ?? (run.signal ? `killed by ${run.signal}` : "");
      const text = `TEST_RUN_FAILED: pytest exited with code ${run.exitCode}` +
        (meaning ? ` (${meaning})` : "");
      return { ok: true, result, is_error: true, error_text: text };
    }
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
