import { isSafeId } from "../../core/mod.ts";
import type {
  RemoteTaskOptions,
  SessionLimits,
  TaskExecutor,
  TaskOutcome,
  TaskRequest,
  WorkerServiceHandler,
} from "../../rpc/mod.ts";
import { stoppedOutcome } from "../cancelled.ts";
import type { WorkerLoad } from "./worker_load.ts";

/** `WorkerService` calls served by `executor`, with sessions and tasks counted in `load`. */
export function createWorkerHandler(
  executor: TaskExecutor,
  load: WorkerLoad,
): WorkerServiceHandler {
  return {
    async createSession(sessionId: string): Promise<SessionLimits> {
      load.admitSession(sessionId);
      try {
        await executor.createSession(sessionId);
      } catch (err) {
        load.dropSession(sessionId);
        throw err;
      }
      return executor.limits();
    },
    async destroySession(sessionId: string): Promise<void> {
      await executor.destroySession(sessionId);
      load.dropSession(sessionId);
    },
    async executeTask(
      sessionId: string,
      task: TaskRequest,
      options: RemoteTaskOptions,
    ): Promise<TaskOutcome> {
      if (!isSafeId(sessionId)) {
        const message = `Bad session id "${sessionId}"`;
        return { ok: false, error: { code: "INVALID_ARGUMENT", message, retriable: false } };
      }
      const slot = load.beginTask(sessionId, options.taskId, options.signal);
      try {
        const outcome = await executor.execute(sessionId, task, {
          onEvent: options.onEvent,
          signal: slot.signal,
          ...(options.traceparent ? { traceparent: options.traceparent } : {}),
        });
        // the slot's reason is made here (a shutdown): say it even if an executor forgot to
        return stoppedOutcome(slot.signal, outcome);
      } finally {
        slot.end();
      }
    },
    cancelTask: (taskId: string) => load.cancelTask(taskId),
    limits: () => executor.limits(),
  };
}
