import { CodegenError, getLogger, isSafeId } from "../core/mod.ts";
import type {
  ExecuteOptions,
  SessionLimits,
  TaskExecutor,
  TaskOutcome,
  TaskRequest,
  TaskTool,
  TaskTypes,
} from "../rpc/mod.ts";
import { stoppedOutcome } from "./cancelled.ts";
import type { TaskContext, WorkerOptions } from "./context.ts";
import { DirSnapshots } from "./dir_snapshots.ts";
import { type SessionDirs, withoutHostPaths } from "./host_paths.ts";
import { FS_HANDLERS, measureWorkspace, removalsSettled, VISIT_FACTOR } from "./fs/mod.ts";
import { createPythonRuntime, type PythonRuntime, taskTimeLimitMs } from "./python/mod.ts";
import { SessionActivity } from "./session_activity.ts";
import { WorkspaceManager } from "./workspace_manager.ts";
import { changedUnseen, noteOverLimit, refuseOverLimit } from "./workspace_quota.ts";
import { WorkspaceUsage } from "./workspace_usage.ts";

const log = getLogger("worker");

/** A handler returns the tool's result, or throws a `CodegenError`. */
export type ToolHandler<K extends TaskTool> = (
  ctx: TaskContext,
  args: TaskTypes[K]["args"],
) => Promise<TaskOutcome<K>>;

/** The worker's executing side, shared by the embedded worker and `codegen-mcp worker`. */
export class WorkerExecutor implements TaskExecutor {
  #options: WorkerOptions;
  #workspaces: WorkspaceManager;
  #python: PythonRuntime;
  #running = new Set<AbortController>();
  #activity = new SessionActivity();
  #usage: WorkspaceUsage;
  #snapshots: DirSnapshots;

  /** `deps.snapshots`: fs.list's name snapshots (default: a new store on the system clock). */
  constructor(options: WorkerOptions, deps: { snapshots?: DirSnapshots } = {}) {
    this.#options = options;
    this.#snapshots = deps.snapshots ?? new DirSnapshots();
    this.#workspaces = new WorkspaceManager(options.workspaceRoot);
    this.#python = createPythonRuntime(options);
    const maxVisits = options.limits.maxListEntries * VISIT_FACTOR;
    this.#usage = new WorkspaceUsage(
      options.limits.maxWorkspaceBytes,
      (workspace) => measureWorkspace(workspace, maxVisits),
    );
  }

  async createSession(sessionId: string): Promise<void> {
    if (!isSafeId(sessionId)) {
      throw new CodegenError("INVALID_ARGUMENT", `Bad session id "${sessionId}"`);
    }
    const dirs = await this.#workspaces.ensure(sessionId);
    // a spare interpreter now keeps the session's first run.python off the cold path
    this.#python.prewarm?.({ sessionId, ...dirs, limits: this.#options.limits }).catch((err) =>
      log.debug("No warm interpreter for {id}: {error}", { id: sessionId, error: String(err) })
    );
  }

  async destroySession(sessionId: string): Promise<void> {
    if (!isSafeId(sessionId)) return;
    this.#activity.forget(sessionId);
    this.#usage.forget(sessionId);
    this.#snapshots.forget(sessionId);
    await this.#python.closeSession(sessionId);
    await this.#workspaces.remove(sessionId);
  }

  async execute(
    sessionId: string,
    task: TaskRequest,
    options: ExecuteOptions = {},
  ): Promise<TaskOutcome> {
    const startedAt = performance.now();
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    this.#running.add(controller);
    let activity: ReturnType<SessionActivity["begin"]> | undefined;
    let outcome: TaskOutcome;
    let dirs: SessionDirs | undefined;
    try {
      if (!isSafeId(sessionId)) {
        throw new CodegenError("INVALID_ARGUMENT", `Bad session id "${sessionId}"`);
      }
      activity = this.#activity.begin(sessionId);
      dirs = await this.#workspaces.ensure(sessionId);
      const { workspace, stateDir } = dirs;
      const usage = this.#usage.session(sessionId, workspace);
      const ctx: TaskContext = {
        sessionId,
        workspace,
        stateDir,
        limits: this.#options.limits,
        signal: controller.signal,
        startedAt,
        emit: (event) => options.onEvent?.(event),
        activity,
        usage,
        snapshots: this.#snapshots.session(sessionId),
      };
      const limitMs = taskTimeLimitMs(task, this.#options.limits) ?? Infinity;
      await refuseOverLimit(task.tool, usage, limitMs - (performance.now() - startedAt));
      try {
        outcome = await this.#dispatch(ctx, task);
      } finally {
        changedUnseen(task.tool, usage);
      }
      outcome = noteOverLimit(task.tool, usage, outcome);
    } catch (err) {
      const e = scrubbed(
        CodegenError.from(err, "INTERNAL", { disk: "the workspace's disk" }),
        dirs,
      );
      if (e.code === "INTERNAL") {
        log.error("Task {tool} failed: {error}", { tool: task.tool, error: e.message });
      }
      outcome = { ok: false, error: e.toPlain() };
    } finally {
      activity?.end();
      this.#running.delete(controller);
      options.signal?.removeEventListener("abort", onAbort);
    }
    // every tool reports a stop as CANCELLED; why it was stopped is said here, once
    return stoppedOutcome(controller.signal, outcome);
  }

  // the files, and whether the session holds more here: a venv or a running interpreter
  async #workspaceStats(
    ctx: TaskContext,
    args: TaskTypes["workspace.stats"]["args"],
  ): Promise<TaskOutcome<"workspace.stats">> {
    const outcome = await FS_HANDLERS["workspace.stats"](ctx, args);
    if (!outcome.ok) return outcome;
    // said only when true, as it crosses the wire (proto3 drops a false)
    if (!(await this.#python.holdsState(ctx))) return outcome;
    return { ...outcome, result: { ...outcome.result, has_state: true } };
  }

  #dispatch(ctx: TaskContext, task: TaskRequest): Promise<TaskOutcome> {
    switch (task.tool) {
      case "fs.read":
        return FS_HANDLERS["fs.read"](ctx, task.args);
      case "fs.write":
        return FS_HANDLERS["fs.write"](ctx, task.args);
      case "fs.list":
        return FS_HANDLERS["fs.list"](ctx, task.args);
      case "fs.delete":
        return FS_HANDLERS["fs.delete"](ctx, task.args);
      case "workspace.stats":
        return this.#workspaceStats(ctx, task.args);
      case "artifact.get":
        return FS_HANDLERS["artifact.get"](ctx, task.args);
      case "run.python":
        return this.#python.runPython(ctx, task.args);
      case "pkg.install":
        return this.#python.pkgInstall(ctx, task.args);
      case "test.run":
        return this.#python.testRun(ctx, task.args);
    }
  }

  limits(): SessionLimits {
    const l = this.#options.limits;
    return {
      max_file_bytes: l.maxFileBytes,
      max_read_bytes: l.maxReadBytes,
      max_list_entries: l.maxListEntries,
      run_timeout_seconds_default: l.runTimeoutDefaultSeconds,
      run_timeout_seconds_max: l.runTimeoutMaxSeconds,
      output_limit_bytes: l.outputLimitBytes,
      max_workspace_bytes: l.maxWorkspaceBytes,
    };
  }

  async close(): Promise<void> {
    for (const c of this.#running) {
      c.abort(new CodegenError("CANCELLED", "Worker is shutting down"));
    }
    await this.#python.close();
    await removalsSettled();
    await this.#workspaces.close();
  }
}

// The error as the caller may see it: without the session's host paths.
function scrubbed(e: CodegenError, dirs: SessionDirs | undefined): CodegenError {
  if (dirs === undefined) return e;
  const message = withoutHostPaths(e.message, dirs);
  if (message === e.message) return e;
  return new CodegenError(e.code, message, {
    retriable: e.retriable,
    workerLeaving: e.workerLeaving,
    cause: e,
  });
}
