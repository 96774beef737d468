import type { sendUnaryData } from "@grpc/grpc-js";
import { CodegenError } from "../core/mod.ts";
import type { SessionLimits, TaskEvent, TaskOutcome, TaskRequest } from "./tasks.ts";
import type * as wpb from "./gen/codegen/v1/worker.ts";
import { type WorkerServiceServer, WorkerServiceService } from "./gen/codegen/v1/worker.ts";
import { limitsToProto } from "./convert_events.ts";
import { toServiceError } from "./grpc_status.ts";
import { type GrpcServerHandle, type GrpcServerOptions, startGrpcServer } from "./server.ts";
import { runTask } from "./_run_task.ts";
import { TaskStreams } from "./task_stream_server.ts";

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

function implement(handler: WorkerServiceHandler, streams: TaskStreams): WorkerServiceServer {
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
      const emit = (event: wpb.TaskEvent) => {
        if (!call.cancelled) call.write(event);
      };
      void runTask(handler, call.request, controller.signal, emit).then((ending) => {
        settled = true;
        if (call.cancelled) return;
        if ("thrown" in ending) return void call.emit("error", toServiceError(ending.thrown));
        call.write(ending.final);
        call.end();
      });
    },
    runTasks: (call) => streams.serve(call, handler),
  };
}

/** Hosts `WorkerService` backed by `handler`, with the token check on every call. */
export async function startWorkerServiceServer(
  handler: WorkerServiceHandler,
  options: WorkerServiceServerOptions = {},
): Promise<GrpcServerHandle> {
  const streams = new TaskStreams();
  const implementation = implement(handler, streams);
  const server = await startGrpcServer({
    ...options,
    services: [{ definition: WorkerServiceService, implementation }],
  });
  return {
    port: server.port,
    get connections() {
      return server.connections;
    },
    close(graceMs) {
      streams.close();
      return server.close(graceMs);
    },
  };
}
