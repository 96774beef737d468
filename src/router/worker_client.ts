import type { ExecuteOptions, SessionLimits, TaskOutcome, TaskRequest } from "../rpc/mod.ts";

/**
 * How the coordinator talks to one worker, wherever it runs: in-process (embedded) or over
 * gRPC. Tools reach files and Python only through this interface.
 */
export interface WorkerClient {
  /** The worker's id (`embedded-1`, or the id a remote worker registered with). */
  readonly workerId: string;
  /** Prepares the session on the worker (idempotent). */
  createSession(sessionId: string): Promise<void>;
  /** Removes the session and its workspace from the worker (idempotent). */
  destroySession(sessionId: string): Promise<void>;
  /** Executes one task; resolves with its outcome, never rejects for tool failures. */
  execute(sessionId: string, task: TaskRequest, options?: ExecuteOptions): Promise<TaskOutcome>;
  /** Limits this worker applies to sessions. */
  limits(): SessionLimits;
  /** Releases connections; does not stop a remote worker. */
  close(): Promise<void>;
}
