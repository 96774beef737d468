import type { ServerDuplexStream } from "@grpc/grpc-js";
import { CodegenError } from "../core/mod.ts";
import type * as wpb from "./gen/codegen/v1/worker.ts";
import { TaskStreamEvent } from "./gen/codegen/v1/worker.ts";
import type { WorkerServiceHandler } from "./worker_service_server.ts";
import { runTask, thrownToProto } from "./_run_task.ts";
import { FrameBatch } from "./_frame_batch.ts";
import { tooLargeMessage } from "./_message_limit.ts";

type TaskStreamCall = ServerDuplexStream<wpb.TaskStreamRequest, wpb.TaskStreamEvents>;

interface OpenStream {
  /** Ends the stream if no task runs on it and it should end. */
  endIfIdle(): void;
}

/**
 * The RunTasks streams a worker serves. A long-lived stream would hold a graceful server
 * shutdown open forever, so {@link TaskStreams.close} ends each one as its tasks finish.
 */
export class TaskStreams {
  #open = new Set<OpenStream>();
  #closing = false;

  /** Ends every stream once its running tasks are done; tasks started later are refused. */
  close(): void {
    this.#closing = true;
    for (const stream of [...this.#open]) stream.endIfIdle();
  }

  /** Serves one RunTasks call: starts, cancels and answers tasks until either side ends. */
  serve(call: TaskStreamCall, handler: WorkerServiceHandler): void {
    const running = new Map<string, AbortController>();
    let halfClosed = false;
    let ended = false;
    const batch = new FrameBatch<wpb.TaskStreamEvent>(
      (events) => {
        if (!ended && !call.cancelled) call.write({ events });
      },
      (frame) => TaskStreamEvent.encode(frame).finish(),
    );
    // with no other task running, nothing could join: send at once
    const send = (taskId: string, event: wpb.TaskEvent) => {
      const now = running.size - (running.has(taskId) ? 1 : 0) === 0;
      if (batch.add({ task_id: taskId, event }, now)) return;
      // a result too large to send fails its own task, not the stream
      const error = new CodegenError("TOO_LARGE", tooLargeMessage("result"));
      batch.add({ task_id: taskId, event: thrownToProto(error) }, now);
    };
    const stream: OpenStream = {
      endIfIdle: () => {
        if (ended || running.size > 0 || !(halfClosed || this.#closing)) return;
        batch.flush();
        ended = true;
        this.#open.delete(stream);
        call.end();
      },
    };
    this.#open.add(stream);
    const handle = (frame: wpb.TaskFrame["frame"]) => {
      if (frame?.$case === "cancel") {
        const reason = new CodegenError("CANCELLED", "The caller cancelled the task");
        running.get(frame.value.task_id)?.abort(reason);
      } else if (frame?.$case === "start") {
        const request = frame.value;
        const refusal = this.#closing
          ? new CodegenError("WORKER_UNAVAILABLE", "The worker is shutting down", {
            retriable: true,
            workerLeaving: true,
          })
          : running.has(request.task_id)
          ? new CodegenError("INVALID_ARGUMENT", `Task id "${request.task_id}" is already running`)
          : undefined;
        if (refusal) return send(request.task_id, thrownToProto(refusal));
        const controller = new AbortController();
        running.set(request.task_id, controller);
        const emit = (event: wpb.TaskEvent) => send(request.task_id, event);
        void runTask(handler, request, controller.signal, emit).then((ending) => {
          running.delete(request.task_id);
          emit("final" in ending ? ending.final : thrownToProto(ending.thrown));
          stream.endIfIdle();
        });
      }
    };
    call.on("data", (message: wpb.TaskStreamRequest) => {
      for (const { frame } of message.frames) handle(frame);
    });
    call.on("end", () => {
      halfClosed = true;
      stream.endIfIdle();
    });
    // The caller went away (or the server is forced down): nobody waits for these tasks.
    call.on("cancelled", () => {
      ended = true;
      batch.clear();
      this.#open.delete(stream);
      const reason = new CodegenError("CANCELLED", "The caller closed the task stream");
      for (const controller of running.values()) controller.abort(reason);
    });
  }
}
