import { CodegenError, KeyedQueue } from "../../core/mod.ts";
import type { RunPythonResult, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import type { InteractiveSandboxRunner } from "../sandbox/mod.ts";
import { FORK_SERVER_SOURCE } from "./bootstrap.ts";
import { KERNEL_SOURCE } from "./kernel_source.ts";
import { CallDeadline } from "./call_deadline.ts";
import { buildJob, type PythonJob } from "./job.ts";
import { Kernel, type KernelCallOptions, type KernelCallResult } from "./kernel.ts";
import type { KernelManager, StatefulResult } from "./kernel_manager.ts";
import { interpreterSpec, kernelLimits } from "./launch.ts";
import {
  diffSnapshots,
  SNAPSHOT_MAX_ENTRIES,
  snapshotBytes,
  snapshotWorkspace,
  type WorkspaceSnapshot,
} from "./snapshot.ts";
import type { SnapshotCache } from "./snapshot_cache.ts";
import { startFailure } from "./start_failure.ts";
import { venvExists } from "./venv.ts";
import type { WarmPool } from "./warm_pool.ts";

/** How often a running call reports progress. */
const PROGRESS_MS = 500;
/** Most artifacts a result lists. */
const MAX_ARTIFACTS = 1_000;
/**
 * The share of what is left of a call's time limit its walk of the workspace before the run
 * may take: past it the walk gives up (the result says `artifacts_truncated`), so the run
 * still gets the rest.
 */
const BEFORE_WALK_SHARE = 0.5;

/** What run.python needs besides its arguments. */
export interface RunPythonDeps {
  runner: InteractiveSandboxRunner;
  pool: WarmPool<Kernel>;
  kernels: KernelManager;
  /** Whether the session has a venv (the runtime caches it); default: look on disk. */
  hasVenv?: (ctx: TaskContext) => Promise<boolean>;
  /** The snapshot a session's previous run ended with, when still true. */
  snapshots?: SnapshotCache;
  /** The call's time limit, counted from when it reached the worker; default: from now. */
  deadline?: CallDeadline;
}

type RunPythonArgs = Parameters<typeof buildJob>[1];

/**
 * run.python: validates the call, runs it in a fresh process forked by the session's
 * sandboxed fork server (started ahead when it can be) or in the session's kernel when
 * `stateful`, streams output and progress, and reports output, exit status and the files
 * the run created or changed.
 */
export function runPython(
  ctx: TaskContext,
  args: RunPythonArgs,
  deps: RunPythonDeps,
): Promise<TaskOutcome<"run.python">> {
  // A session's stateful calls run in the order they arrived, as cells in a notebook: the
  // awaits before a call reaches its kernel would otherwise let a later one overtake it.
  if (args.stateful) {
    const queuedAt = performance.now();
    return statefulTurns.run(ctx.sessionId, () => runNow(ctx, args, deps, queuedAt));
  }
  return runNow(ctx, args, deps);
}

const statefulTurns = new KeyedQueue();

async function runNow(
  ctx: TaskContext,
  args: RunPythonArgs,
  deps: RunPythonDeps,
  queuedAt = performance.now(),
): Promise<TaskOutcome<"run.python">> {
  // time spent behind the session's earlier stateful calls, before this one's turn
  const queuedMs = performance.now() - queuedAt;
  const insecure = deps.runner.kind === "insecure";
  const job = await buildJob(ctx, args, insecure ? { workspaceDir: ctx.workspace } : {});
  const deadline = deps.deadline ?? new CallDeadline(ctx, job.timeoutMs);
  const hasVenv = await (deps.hasVenv ?? venvExists)(ctx);
  const ownerUid = deps.runner.sandboxUid(ctx.workspace);
  const maxEntries = Math.max(ctx.limits.maxListEntries, SNAPSHOT_MAX_ENTRIES);
  // what came before (measuring a huge workspace for its size limit, say) may have used the
  // whole time limit: then nothing starts, and the caller is told why
  refuseIfLate(deadline, queuedMs);
  const before = deps.snapshots?.take(ctx) ??
    await snapshotWorkspace(ctx.workspace, {
      maxEntries,
      ownerUid,
      until: performance.now() + deadline.leftMs() * BEFORE_WALK_SHARE,
    });
  if (before.foreignOwned) await deps.runner.ensureOwnership(ctx.workspace);
  // one directory of very many entries is read whole before the walk can stop
  refuseIfLate(deadline, queuedMs);

  const progress = startProgress(ctx);
  // with the owner check, so the next run can start from it (see SnapshotCache); taken as
  // soon as the job has ended, while the last of its stderr is still on its way
  let ended: Promise<WorkspaceSnapshot> | undefined;
  const callbacks: RunCallbacks = {
    onOutput: progress.onOutput,
    onEnded: () => ended = snapshotWorkspace(ctx.workspace, { maxEntries, ownerUid }),
  };
  let run: KernelCallResult | StatefulResult;
  try {
    run = job.stateful
      ? await statefulRun(ctx, job, hasVenv, { ...deps, deadline }, callbacks)
      : await statelessRun(ctx, job, hasVenv, { ...deps, deadline }, callbacks);
  } finally {
    progress.stop();
  }
  if (run.cancelled) {
    await ended; // a walk begun as the job ended (cancelled just after) ends with the call
    // (the executor turns a stop by a worker shutting down into its WORKER_UNAVAILABLE)
    return {
      ok: false,
      error: { code: "CANCELLED", message: "Run was cancelled", retriable: false },
    };
  }
  // nothing ran, so nothing changed: no exit code, no artifacts, and the caller may retry
  if (run.startFailed !== undefined) return { ok: false, error: startFailure(run.startFailed) };
  const after = await (ended ?? snapshotWorkspace(ctx.workspace, { maxEntries, ownerUid }));
  deps.snapshots?.keep(ctx, after);
  // the walk every run takes keeps the session's size for MAX_WORKSPACE_BYTES too
  const bytes = snapshotBytes(after);
  if (bytes === undefined) ctx.usage?.invalidate();
  else ctx.usage?.set(bytes);
  const changes = diffSnapshots(before, after, { max: MAX_ARTIFACTS });
  const result: RunPythonResult = {
    stdout: run.stdout,
    stderr: run.stderr,
    exit_code: run.exitCode,
    duration_ms: run.durationMs,
    timed_out: run.timedOut,
    truncated: run.truncated,
    artifacts: changes.artifacts,
  };
  if (changes.truncated) result.artifacts_truncated = true;
  if (run.signal) result.signal = run.signal;
  const restarted = (run as Partial<StatefulResult>).restarted;
  if (restarted !== undefined) result.interpreter_restarted = restarted;
  if (run.failure !== undefined && !run.timedOut) {
    const text = `EXIT_CODE: Python exited with code ${run.exitCode}: ${run.failure}`;
    return { ok: true, result, is_error: true, error_text: text };
  }
  if (run.timedOut) {
    const text = `TIMEOUT: Run exceeded ${job.timeoutMs / 1000} s and was killed` +
      deadline.waitNote();
    return { ok: true, result, is_error: true, error_text: text };
  }
  if (run.exitCode !== 0) {
    const by = run.signal ? ` (${run.signal})` : "";
    const text = `EXIT_CODE: Python exited with code ${run.exitCode}${by}`;
    return { ok: true, result, is_error: true, error_text: text };
  }
  return { ok: true, result };
}

/**
 * TIMEOUT, retriable, when the call's time limit ran out before its run could start: the
 * worker was still preparing it. A retry is quicker (the workspace's size is then known).
 */
function refuseIfLate(deadline: CallDeadline, queuedMs: number): void {
  if (deadline.leftMs() > 0) return;
  // mostly spent waiting for its turn: the earlier calls' time, not the worker's preparing
  if (queuedMs > deadline.elapsedMs() - queuedMs) {
    throw deadline.waitedTooLong("the session's earlier stateful calls");
  }
  const took = Math.round(deadline.elapsedMs() / 100) / 10;
  throw new CodegenError(
    "TIMEOUT",
    `The call's timeout (${deadline.timeoutMs / 1000} s) ran out ${took} s after it reached ` +
      "the worker, before its run started: the worker was still preparing it (measuring and " +
      "walking the workspace, which takes long with very many files, or waiting for a run " +
      "slot); delete files the session no longer needs, or give a longer timeout_seconds",
    { retriable: true },
  );
}

/** What a spare must have been started with to serve a run: with or without the venv. */
export function spareFingerprint(hasVenv: boolean): string {
  return hasVenv ? "venv" : "system";
}

type OnOutput = (stream: "stdout" | "stderr", text: string) => void;
/** The deps of one run, with the call's deadline settled. */
type RunDeps = RunPythonDeps & { deadline: CallDeadline };
type RunCallbacks = Pick<KernelCallOptions, "onOutput" | "onEnded">;

/** Starts a sandboxed fork server for the session's stateless runs. */
export async function startForkServer(
  runner: InteractiveSandboxRunner,
  ctx: Pick<TaskContext, "workspace" | "stateDir" | "limits">,
  hasVenv: boolean,
): Promise<Kernel> {
  // only bubblewrap's /tmp is private to the session; never empty the host's
  const args = runner.kind === "bubblewrap" ? ["--private-tmp"] : [];
  const spec = interpreterSpec(ctx, { hasVenv, source: FORK_SERVER_SOURCE, args });
  return new Kernel(await runner.start(spec), hasVenv);
}

async function statelessRun(
  ctx: TaskContext,
  job: PythonJob,
  hasVenv: boolean,
  deps: RunDeps,
  callbacks: RunCallbacks,
): Promise<KernelCallResult> {
  const fingerprint = spareFingerprint(hasVenv);
  const epoch = deps.pool.epoch(ctx.sessionId);
  const server = deps.pool.take(ctx.sessionId, fingerprint) ??
    await startForkServer(deps.runner, ctx, hasVenv);
  try {
    return await server.call(job, {
      timeoutMs: deps.deadline.startNow("a run slot"),
      outputLimitBytes: ctx.limits.outputLimitBytes,
      signal: ctx.signal,
      ...callbacks,
    });
  } finally {
    if (server.alive) deps.pool.put(ctx.sessionId, fingerprint, server, epoch);
    else {
      // killed by a timeout or cancel, or killed by the run: a new one starts after this
      // run, not alongside it, so its start-up does not compete with the run for the CPU
      await server.dispose();
      deps.pool.refill(
        ctx.sessionId,
        fingerprint,
        () => startForkServer(deps.runner, ctx, hasVenv),
      );
    }
  }
}

function statefulRun(
  ctx: TaskContext,
  job: PythonJob,
  hasVenv: boolean,
  deps: RunDeps,
  callbacks: RunCallbacks,
): Promise<StatefulResult> {
  return deps.kernels.call(ctx.sessionId, job, {
    hasVenv,
    start: (venv) =>
      deps.runner.start(
        interpreterSpec(ctx, {
          hasVenv: venv,
          source: KERNEL_SOURCE,
          limits: kernelLimits(ctx.limits),
        }),
      ),
    // after the session's earlier calls (statefulTurns): what they took is part of it
    timeoutMs: deps.deadline.startNow("the session's earlier stateful calls"),
    outputLimitBytes: ctx.limits.outputLimitBytes,
    signal: ctx.signal,
    ...callbacks,
  });
}

/** Log events per output chunk, and a progress event with the last line every 500 ms. */
function startProgress(ctx: TaskContext): { onOutput: OnOutput; stop: () => void } {
  const started = performance.now();
  let lastLine = "";
  const timer = setInterval(() => {
    const elapsed = Math.round((performance.now() - started) / 100) / 10;
    ctx.emit({ type: "progress", progress: elapsed, message: lastLine });
  }, PROGRESS_MS);
  return {
    onOutput(stream, text) {
      ctx.emit({
        type: "log",
        stream,
        level: stream === "stdout" ? "info" : "warning",
        data: text,
      });
      const lines = text.split("\n").filter((l) => l.trim() !== "");
      if (lines.length > 0) lastLine = lines[lines.length - 1]!.slice(-200);
    },
    stop: () => clearInterval(timer),
  };
}
