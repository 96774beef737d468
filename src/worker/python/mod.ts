/**
 * Sandboxed Python for the worker: run.python (stateless with a warm pool, or stateful),
 * pkg.install and test.run.
 *
 * A stateless run is a fresh process forked by the session's fork server: a sandboxed
 * interpreter started ahead that never runs user code itself, forks a child per job
 * (code, argv, env, stdin) and, when the child is done, kills whatever it left behind and
 * empties the private /tmp; it reads each job's nonce only after the fork, so a run cannot
 * forge the end of its job. A stateful run goes to the session's kernel,
 * one persistent sandboxed interpreter that frames each call's end with a fresh nonce and
 * is restarted (and says so) after a crash, timeout or cancel. A session's stateless runs,
 * test.run and pkg.install take turns for its run slots (see `RunSlots`), so what its
 * process limit is sized for is what it runs at once; a run that could not start answers a
 * retriable error, never an exit code.
 * @module
 */
import type { TaskOutcome, TaskTypes } from "../../rpc/mod.ts";
import type { TaskContext, WorkerOptions } from "../context.ts";
import { createSandboxRunner, type InteractiveSandboxRunner } from "../sandbox/mod.ts";
import { KernelManager } from "./kernel_manager.ts";
import { CallDeadline, runTimeoutMs } from "./call_deadline.ts";
import { runSlots } from "./launch.ts";
import { pkgInstall } from "./pkg_install.ts";
import type { Kernel } from "./kernel.ts";
import { runPython, spareFingerprint, startForkServer } from "./run_python.ts";
import { RunSlots } from "./run_slots.ts";
import { SnapshotCache } from "./snapshot_cache.ts";
import { venvExists } from "./venv.ts";
import { testRun } from "./test_run.ts";
import { WarmPool, type WarmPoolOptions, type WarmPoolStats } from "./warm_pool.ts";

export { FORK_SERVER_SOURCE } from "./bootstrap.ts";
export { KERNEL_SOURCE } from "./kernel_source.ts";
export { MAX_ENV_CHARS, MAX_ENV_VARS, sandboxEnv, validateUserEnv } from "./env.ts";
export { runPython, type RunPythonDeps } from "./run_python.ts";
export {
  type PoolMember,
  WarmPool,
  type WarmPoolOptions,
  type WarmPoolStats,
} from "./warm_pool.ts";
export { KernelManager } from "./kernel_manager.ts";
export { taskTimeLimitMs } from "./call_deadline.ts";

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
  /** Starts the session's spare interpreter ahead of its first run (best effort). */
  prewarm?(
    ctx: Pick<TaskContext, "sessionId" | "workspace" | "stateDir" | "limits">,
  ): Promise<void>;
  /**
   * Whether the session holds more here than its workspace files: a venv, or a stateful
   * interpreter that is running (what a move to another worker would lose unseen).
   */
  holdsState(ctx: Pick<TaskContext, "sessionId" | "stateDir">): Promise<boolean>;
  /** Stops the session's persistent interpreter, if any. */
  closeSession(sessionId: string): Promise<void>;
  /** Stops every interpreter and the warm pool. */
  close(): Promise<void>;
}

/** Dependencies of {@link SandboxedPythonRuntime}, for tests. */
export interface PythonRuntimeDeps {
  /** Default: {@link createSandboxRunner} from `options.insecureNoSandbox`. */
  runner?: InteractiveSandboxRunner;
  pool?: WarmPoolOptions;
  /** Whether a session has a venv on disk. Default: {@link venvExists}. */
  venvExists?: (ctx: Pick<TaskContext, "stateDir">) => Promise<boolean>;
}

/** Builds the Python runtime for a worker. */
export function createPythonRuntime(options: WorkerOptions): PythonRuntime {
  return new SandboxedPythonRuntime(options);
}

/** The runtime over a sandbox runner, a warm pool and the stateful kernels. */
export class SandboxedPythonRuntime implements PythonRuntime {
  #options: WorkerOptions;
  #runner: InteractiveSandboxRunner;
  #pool: WarmPool<Kernel>;
  #kernels = new KernelManager();
  /** Turns for the sandboxes of a session's runs (a stateful call uses its kernel's). */
  #slots = new RunSlots();
  #snapshots = new SnapshotCache();
  /** Sessions known to have (true) or lack (false) a venv; only pkg.install changes it. */
  #venvs = new Map<string, boolean>();
  // bumped by every environment change: a look at the disk begun before one is not cached
  #venvEpoch = 0;
  #venvExists: (ctx: Pick<TaskContext, "stateDir">) => Promise<boolean>;

  constructor(options: WorkerOptions, deps: PythonRuntimeDeps = {}) {
    this.#options = options;
    this.#venvExists = deps.venvExists ?? venvExists;
    this.#runner = deps.runner ??
      createSandboxRunner({ insecureNoSandbox: options.insecureNoSandbox });
    this.#pool = new WarmPool(deps.pool);
  }

  async runPython(
    ctx: TaskContext,
    args: TaskTypes["run.python"]["args"],
  ): Promise<TaskOutcome<"run.python">> {
    // checked before any wait, which counts against it
    const deadline = new CallDeadline(ctx, runTimeoutMs(args.timeout_seconds, ctx.limits));
    const run = () =>
      runPython(ctx, args, {
        runner: this.#runner,
        pool: this.#pool,
        kernels: this.#kernels,
        hasVenv: (c) => this.#hasVenv(c),
        snapshots: this.#snapshots,
        deadline,
      });
    return await (args.stateful ? run() : this.#inTurn(ctx, deadline, run));
  }

  async pkgInstall(
    ctx: TaskContext,
    args: TaskTypes["pkg.install"]["args"],
  ): Promise<TaskOutcome<"pkg.install">> {
    // an install may take as long as a run may last, its wait for a turn included
    const deadline = new CallDeadline(ctx, ctx.limits.runTimeoutMaxSeconds * 1000);
    return await this.#inTurn(ctx, deadline, () =>
      pkgInstall(ctx, args, {
        runner: this.#runner,
        pipIndexUrl: this.#options.pipIndexUrl,
        onEnvironmentChanged: (sessionId) => this.environmentChanged(sessionId),
        deadline,
      }));
  }

  async testRun(
    ctx: TaskContext,
    args: TaskTypes["test.run"]["args"],
  ): Promise<TaskOutcome<"test.run">> {
    const deadline = new CallDeadline(ctx, runTimeoutMs(args.timeout_seconds, ctx.limits));
    const run = () => testRun(ctx, args, { runner: this.#runner, deadline });
    return await this.#inTurn(ctx, deadline, run);
  }

  /**
   * Runs `fn` once one of the session's run slots is free (see {@link runSlots}); a wait
   * that outlasts the call's deadline gives up with TIMEOUT.
   */
  #inTurn<T>(ctx: TaskContext, deadline: CallDeadline, fn: () => Promise<T>): Promise<T> {
    const options = {
      slots: runSlots(ctx.limits),
      signal: ctx.signal,
      waitLimit: {
        ms: deadline.leftMs(),
        error: () => deadline.waitedTooLong("a run slot (the session's other runs hold them all)"),
      },
    };
    return this.#slots.run(ctx.sessionId, options, fn);
  }

  async holdsState(ctx: Pick<TaskContext, "sessionId" | "stateDir">): Promise<boolean> {
    return this.#kernels.alive(ctx.sessionId) || await this.#hasVenv(ctx);
  }

  async #hasVenv(ctx: Pick<TaskContext, "sessionId" | "stateDir">): Promise<boolean> {
    const known = this.#venvs.get(ctx.sessionId);
    if (known !== undefined) return known;
    const epoch = this.#venvEpoch;
    const has = await this.#venvExists(ctx);
    // a pkg.install that changed the venv meanwhile may have made the answer stale
    if (epoch === this.#venvEpoch) this.#venvs.set(ctx.sessionId, has);
    return has;
  }

  /** The session's venv changed: its spare is stale, and a kernel without it restarts. */
  async environmentChanged(sessionId: string): Promise<void> {
    this.#venvEpoch++;
    this.#venvs.delete(sessionId);
    this.#kernels.environmentChanged(sessionId);
    await this.#pool.invalidate(sessionId);
  }

  /**
   * Starts the session's spare interpreter ahead of its first run (e.g. when the session
   * is created), so even that run skips interpreter start-up.
   */
  async prewarm(
    ctx: Pick<TaskContext, "sessionId" | "workspace" | "stateDir" | "limits">,
  ): Promise<void> {
    const hasVenv = await this.#hasVenv(ctx);
    this.#pool.refill(
      ctx.sessionId,
      spareFingerprint(hasVenv),
      () => startForkServer(this.#runner, ctx, hasVenv),
    );
    await this.#pool.ready(ctx.sessionId);
  }

  /** Resolves once the session's next spare, if one is starting, is ready. */
  spareReady(sessionId: string): Promise<void> {
    return this.#pool.ready(sessionId);
  }

  /** Warm-pool counters (hits, misses, spares). */
  stats(): WarmPoolStats {
    return this.#pool.stats();
  }

  async closeSession(sessionId: string): Promise<void> {
    this.#venvs.delete(sessionId);
    this.#snapshots.forget(sessionId);
    await Promise.all([this.#pool.closeSession(sessionId), this.#kernels.closeSession(sessionId)]);
  }

  async close(): Promise<void> {
    await Promise.all([this.#pool.close(), this.#kernels.close()]);
  }
}
