import type { Limits } from "../config/mod.ts";
import type { TaskEvent } from "../rpc/mod.ts";
import type { ListingSnapshots } from "./dir_snapshots.ts";
import type { TaskActivity } from "./session_activity.ts";
import type { SessionUsage } from "./workspace_usage.ts";

/** What a tool handler gets besides its arguments. */
export interface TaskContext {
  sessionId: string;
  /** Absolute, real (symlink-free) host path of the session workspace; it exists. */
  workspace: string;
  /** Absolute host path of the worker's state directory for this session (venv, kernel). */
  stateDir: string;
  limits: Limits;
  signal: AbortSignal;
  /**
   * `performance.now()` when the task reached the worker: a call's timeout counts from
   * here, its waits for a turn included (absent in unit tests: from when it is read).
   */
  startedAt?: number;
  emit(event: TaskEvent): void;
  /** The session's other tasks, as far as this task needs to know (absent in unit tests). */
  activity?: TaskActivity;
  /**
   * The workspace's size against MAX_WORKSPACE_BYTES, which writes check and update (absent
   * in unit tests that do not test the limit: then nothing is checked).
   */
  usage?: SessionUsage;
  /** Sorted names that fs.list's later pages of a large directory may reuse (absent in unit
   * tests that do not test them: then every page reads its directory). */
  snapshots?: ListingSnapshots;
}

/** Options shared by every worker-side component. */
export interface WorkerOptions {
  /** Root under which every session workspace lives. */
  workspaceRoot: string;
  limits: Limits;
  /** Run Python without bubblewrap (explicit opt-out, logged). */
  insecureNoSandbox: boolean;
  /** Default index for pkg.install. */
  pipIndexUrl?: string | undefined;
}
