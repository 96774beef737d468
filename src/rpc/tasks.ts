/**
 * The typed tasks a coordinator sends to a worker and the results it gets back: one
 * request/result pair per tool, plain JSON data so they cross a Deno Worker or gRPC
 * boundary unchanged. The MCP tool schemas (src/mcp/tools) and the proto messages
 * (proto/codegen/v1) mirror these types.
 * @module
 */
import type { ErrorCode } from "../core/mod.ts";

// ---- file tools ----------------------------------------------------------------------

export interface FsReadArgs {
  path: string;
  encoding?: "utf-8" | "base64";
  offset?: number;
  length?: number;
}
export interface FsReadResult {
  path: string;
  contents: string;
  encoding: "utf-8" | "base64";
  size_bytes: number;
  truncated: boolean;
}

export interface FsWriteArgs {
  path: string;
  contents: string;
  encoding?: "utf-8" | "base64";
  create_dirs?: boolean;
  append?: boolean;
}
export interface FsWriteResult {
  path: string;
  bytes_written: number;
}

export interface FsListArgs {
  path?: string;
  recursive?: boolean;
  pattern?: string;
  /** Only names after this one: continues a non-recursive listing where a capped one stopped. */
  after?: string;
  /** At most this many entries (default and cap: the worker's maxListEntries). */
  limit?: number;
}
export interface FsEntry {
  path: string;
  name: string;
  size_bytes: number;
  is_directory: boolean;
  modified_time_ms: number;
}
export interface FsListResult {
  entries: FsEntry[];
  total_count: number;
  truncated: boolean;
  /** When a listing that is not recursive has more: the next page's `after`. */
  next_after?: string;
  /** Entries left out because they could not be looked up; absent when none. */
  skipped?: number;
}

export interface FsDeleteArgs {
  path: string;
  recursive?: boolean;
}
export interface FsDeleteResult {
  path: string;
  deleted: boolean;
}

export interface WorkspaceStatsArgs {
  _?: never;
}
export interface WorkspaceStatsResult {
  workspace_bytes: number;
  file_count: number;
  /** Set (true) when the session has a venv or a live stateful interpreter on this worker. */
  has_state?: true;
}

// ---- python tools ----------------------------------------------------------------------

export interface Artifact {
  path: string;
  size_bytes: number;
  /** "created" or "modified" during the run. */
  change: "created" | "modified";
}

export interface RunPythonArgs {
  code?: string;
  file?: string;
  args?: string[];
  stdin?: string;
  env?: Record<string, string>;
  timeout_seconds?: number;
  stateful?: boolean;
}
export interface RunPythonResult {
  stdout: string;
  stderr: string;
  exit_code: number;
  duration_ms: number;
  timed_out: boolean;
  truncated: boolean;
  artifacts: Artifact[];
  /** True when `artifacts` may be incomplete (a huge workspace, or over 1,000 changes). */
  artifacts_truncated?: boolean;
  /** Set when a stateful interpreter was (re)started for this call, with the reason. */
  interpreter_restarted?: string;
  /** The signal that ended the run (e.g. "SIGXCPU" at the CPU limit), when one did. */
  signal?: string;
}

export interface PkgInstallArgs {
  packages: string[];
  upgrade?: boolean;
  index_url?: string;
  no_deps?: boolean;
}
export interface PkgInstallResult {
  installed: { name: string; version: string }[];
  failed: string[];
  exit_code: number;
  output_tail: string;
}

export interface TestRunArgs {
  path?: string;
  args?: string[];
  timeout_seconds?: number;
}
export interface TestRunResult {
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  duration_ms: number;
  exit_code: number;
  failures: { test: string; message: string }[];
  output_tail: string;
}

export interface ArtifactGetArgs {
  path: string;
}
export interface ArtifactGetResult {
  path: string;
  mime_type: string;
  size_bytes: number;
  /** "text" when `data` is UTF-8 text, "base64" otherwise. */
  encoding: "text" | "base64";
  data: string;
}

// ---- the task union ----------------------------------------------------------------------

/** Maps each worker-executed tool to its argument and result types. */
export interface TaskTypes {
  "fs.read": { args: FsReadArgs; result: FsReadResult };
  "fs.write": { args: FsWriteArgs; result: FsWriteResult };
  "fs.list": { args: FsListArgs; result: FsListResult };
  "fs.delete": { args: FsDeleteArgs; result: FsDeleteResult };
  "workspace.stats": { args: WorkspaceStatsArgs; result: WorkspaceStatsResult };
  "run.python": { args: RunPythonArgs; result: RunPythonResult };
  "pkg.install": { args: PkgInstallArgs; result: PkgInstallResult };
  "test.run": { args: TestRunArgs; result: TestRunResult };
  "artifact.get": { args: ArtifactGetArgs; result: ArtifactGetResult };
}

/** A tool a worker executes. */
export type TaskTool = keyof TaskTypes;

/** A typed task: the tool and its arguments. */
export type TaskRequest = { [K in TaskTool]: { tool: K; args: TaskTypes[K]["args"] } }[TaskTool];

/** A typed result for tool `K`. */
export type TaskResultOf<K extends TaskTool> = TaskTypes[K]["result"];

/** An error as it crosses a process boundary. */
export interface TaskError {
  code: ErrorCode;
  message: string;
  retriable: boolean;
  /**
   * Present (true) when a WORKER_UNAVAILABLE comes from a worker leaving on purpose rather
   * than a lost one (see `CodegenErrorOptions.workerLeaving`).
   */
  worker_leaving?: boolean;
}

/**
 * The outcome of a task. A tool that ran but failed (non-zero exit, timeout) is still
 * `ok: true` with its full result and `is_error: true`; `ok: false` means it could not run.
 */
export type TaskOutcome<K extends TaskTool = TaskTool> =
  | { ok: true; result: TaskResultOf<K>; is_error?: boolean; error_text?: string }
  | { ok: false; error: TaskError };

/** Something a running task reports before its result. */
export type TaskEvent =
  | { type: "progress"; progress: number; total?: number; message?: string }
  | {
    type: "log";
    stream: "stdout" | "stderr" | "system";
    level: "debug" | "info" | "warning" | "error";
    data: string;
  };

/** Per-call options for executing a task. */
export interface ExecuteOptions {
  /** Receives events while the task runs. */
  onEvent?: (event: TaskEvent) => void;
  /** Aborting cancels the task and kills anything it started. */
  signal?: AbortSignal;
  /** Trace context to propagate (W3C traceparent). */
  traceparent?: string;
}

/** Session limits a worker enforces, reported by `session.info`. */
export interface SessionLimits {
  max_file_bytes: number;
  max_read_bytes: number;
  max_list_entries: number;
  run_timeout_seconds_default: number;
  run_timeout_seconds_max: number;
  output_limit_bytes: number;
  /** MAX_WORKSPACE_BYTES: most bytes of files one session's workspace may hold. */
  max_workspace_bytes: number;
}

/** Executes tasks for sessions: what a worker is, seen from the router. */
export interface TaskExecutor {
  /** Prepares the session's workspace (idempotent). */
  createSession(sessionId: string): Promise<void>;
  /** Removes the session's workspace and stops anything it runs (idempotent). */
  destroySession(sessionId: string): Promise<void>;
  /**
   * Runs one task in the session's workspace. Never throws for expected failures. A task
   * stopped through `options.signal` ends CANCELLED, or with the abort reason when that is
   * a project error of another code (e.g. a worker shutting down: WORKER_UNAVAILABLE).
   */
  execute(sessionId: string, task: TaskRequest, options?: ExecuteOptions): Promise<TaskOutcome>;
  /** The limits this worker applies. */
  limits(): SessionLimits;
  /** Stops every running task and releases resources. */
  close(): Promise<void>;
}
