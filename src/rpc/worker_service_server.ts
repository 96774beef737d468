import type { sendUnaryData } from "@grpc/grpc-js";
import { CodegenError, getLogger } from "../core/mod.ts";
import type { SessionLimits, TaskEvent, TaskOutcome, TaskRequest } from "./tasks.ts";
import { type WorkerServiceServer, WorkerServiceService } from "./gen/codegen/v1/worker.ts";
import { toolRequestFromProto } from "./convert_tool_requests.ts";
import { limitsToProto, outcomeToProto, taskEventToProto } from "./convert_events.ts";
import { toServiceError } from "./grpc_status.ts";
import { type GrpcServerHandle, type GrpcServerOptions, startGrpcServer } from "./server.ts";

const log = getLogger("rpc", "worker-service");

/** Options of one task call as the worker side sees them. */
export interface RemoteTaskOptions {
  taskId: string;
  onEvent: (event: TaskEvent) => void;
  /** Aborts when the caller cancels the call or the connection drops. */
  signal: AbortSignal;
  traceparent?: string | undefined;
}

/**
 * What a worker does for `WorkerService` calls, free of gRPC types. Throwing a
 * `CodegenError` answers with its code (e.g. LIMIT_EXCEEDED → RESOURCE_EXHAUSTED).
 */
export interface WorkerServiceHandler {
  createSession(sessionId: string): Promise<SessionLimits>;
  destroySession(sessionId: string): Promise<void>;
  executeTask(
    sessionId: string,
    task: TaskRequest,
    options: RemoteTaskOptions,
  ): Promise<TaskOutcome>;
  /** Whether a running task with this id was found and cancelled. */
  cancelTask(taskId: string): boolean;
  limits(): SessionLimits;
}

/** Options for {@link startWorkerServiceServer}. */
export type WorkerServiceServerOptions = Omit<GrpcServerOptions, "services">;

function unary<T>(callback: sendUnaryData<T>, work: () => T | Promise<T>): void {
  Promise.resolve().then(work).then(
    (value) => callback(null, value),
    (err) => callback(toServiceError(err)),
  );
}

function implement(handler: WorkerServiceHandler): WorkerServiceServer {
  return {
    createSession: (call, cb) =>
      unary(cb, async () => ({
        limits: limitsToProto(await handler.createSession(call.request.session_id)),
      })),
    destroySession: (call, cb) =>
      unary(cb, async () => {
        await handler.destroySession(call.request.session_id);
        return {};
      }),
    cancelTask: (call, cb) =>
      unary(cb, () => ({ cancelled: handler.cancelTask(call.request.task_id) })),
    getLimits: (_call, cb) => unary(cb, () => limitsToProto(handler.limits())),
    executeTask: (call) => {
      const controller = new AbortController();
      let settled = false;
      call.on("cancelled", () => {
        // grpc-js also reports a stream closed after the reply as cancelled: ignore that
        // (building the error, stack and all, was a measurable part of every call)
        if (settled) return;
        controller.abort(new CodegenError("CANCELLED", "The caller cancelled the task"));
      });
      const { session_id, task_id, tool, traceparent } = call.request;
      let task: TaskRequest;
      try {
        task = toolRequestFromProto(tool ?? {});
      } catch (err) {
        call.emit("error", toServiceError(err));
        return;
      }
      const options: RemoteTaskOptions = {
        taskId: task_id,
        signal: controller.signal,
        traceparent,
        onEvent: (event) => {
          if (!call.cancelled) call.write(taskEventToProto(event));
        },
      };
      handler.executeTask(session_id, task, options).then(
        (outcome) => {
          settled = true;
          if (call.cancelled) return;
          call.write(outcomeToProto(task, outcome));
          call.end();
        },
        (err) => {
          settled = true;
          log.warn("Task {taskId} failed before running: {error}", {
            taskId: task_id,
            error: String(err),
          });
          if (!call.cancelled) call.emit("error", toServiceError(err));
        },
      );
    },
  };
}

/** Hosts `WorkerService` backed by `handler`, with the token check on every call. */
export function startWorkerServiceServer(
  handler: WorkerServiceHandler,
  options: WorkerServiceServerOptions = {},
): Promise<GrpcServerHandle> {
  const services = [{ definition: WorkerServiceService, implementation: implement(handler) }];
  return startGrpcServer({ ...options, services });
}
