import type {
  ExecuteOptions,
  SessionLimits,
  TaskExecutor,
  TaskOutcome,
  TaskRequest,
} from "../rpc/mod.ts";
import type { WorkerClient } from "./worker_client.ts";

/** A worker inside the coordinator process: calls go straight to its executor. */
export class EmbeddedWorkerClient implements WorkerClient {
  readonly workerId: string;
  #executor: TaskExecutor;

  constructor(workerId: string, executor: TaskExecutor) {
    this.workerId = workerId;
    this.#executor = executor;
  }

  createSession(sessionId: string): Promise<void> {
    return this.#executor.createSession(sessionId);
  }

  destroySession(sessionId: string): Promise<void> {
    return this.#executor.destroySession(sessionId);
  }

  execute(sessionId: string, task: TaskRequest, options?: ExecuteOptions): Promise<TaskOutcome> {
    return this.#executor.execute(sessionId, task, options);
  }

  limits(): SessionLimits {
    return this.#executor.limits();
  }

  close(): Promise<void> {
    return this.#executor.close();
  }
}
