// One task as the worker's gRPC side runs it, for both ExecuteTask and RunTasks.
import { CodegenError, getLogger } from "../core/mod.ts";
import type * as wpb from "./gen/codegen/v1/worker.ts";
import type { TaskRequest } from "./tasks.ts";
import type { WorkerServiceHandler } from "./worker_service_server.ts";
import { toolRequestFromProto } from "./convert_tool_requests.ts";
import { outcomeToProto, taskErrorToProto, taskEventToProto } from "./convert_events.ts";

const log = getLogger("rpc", "worker-service");

/** How a task ended: its final event, or the error that kept it from running. */
export type TaskEnding = { final: wpb.TaskEvent } | { thrown: unknown };

/**
 * Decodes and runs `request` on `handler`, passing its progress and log events to `emit`
 * as they come. Never rejects: a request that cannot be decoded or a handler that throws
 * ends as `thrown`.
 */
export async function runTask(
  handler: WorkerServiceHandler,
  request: wpb.TaskRequest,
  signal: AbortSignal,
  emit: (event: wpb.TaskEvent) => void,
): Promise<TaskEnding> {
  let task: TaskRequest;
  try {
    task = toolRequestFromProto(request.tool ?? {});
  } catch (err) {
    return { thrown: err };
  }
  try {
    const outcome = await handler.executeTask(request.session_id, task, {
      taskId: request.task_id,
      signal,
      traceparent: request.traceparent,
      onEvent: (event) => emit(taskEventToProto(event)),
    });
    return { final: outcomeToProto(task, outcome) };
  } catch (err) {
    log.warn("Task {taskId} failed before running: {error}", {
      taskId: request.task_id,
      error: String(err),
    });
    return { thrown: err };
  }
}

/** The error event for a task that could not run (a lost worker stays retriable). */
export function thrownToProto(err: unknown): wpb.TaskEvent {
  const error = CodegenError.from(err).toPlain();
  error.retriable ||= error.code === "WORKER_UNAVAILABLE";
  return { event: { $case: "error", value: taskErrorToProto(error) } };
}
