import type { ClientDuplexStream, ServiceError } from "@grpc/grpc-js";
import { CodegenError } from "../core/mod.ts";
import type * as wpb from "./gen/codegen/v1/worker.ts";
import { TaskFrame, type WorkerServiceClient } from "./gen/codegen/v1/worker.ts";
import type { TaskEvent, TaskOutcome } from "./tasks.ts";
import { taskEventFromProto } from "./convert_events.ts";
import { fromServiceError } from "./grpc_status.ts";
import { watchChannel } from "./_watchdog.ts";
import { cancelledOutcome, errorOutcome, failedOutcome, lostWorkerOutcome } from "./_outcomes.ts";
import { FrameBatch } from "./_frame_batch.ts";
import { tooLargeMessage } from "./_message_limit.ts";

interface Pending {
  onEvent: ((event: TaskEvent) => void) | undefined;
  finish: (outcome: TaskOutcome) => void;
  /** The tool asked for (its proto case): a result for another is refused. */
  tool: string | undefined;
}

/**
 * One RunTasks stream to a worker, carrying any number of tasks at once. When the stream
 * ends or fails, every task still on it ends as retriable WORKER_UNAVAILABLE (or with the
 * status's own code, e.g. UNAUTHENTICATED), and `onClosed` tells the owner to open a new
 * stream for later tasks.
 */
export class TaskStream {
  #call: ClientDuplexStream<wpb.TaskStreamRequest, wpb.TaskStreamEvents>;
  #pending = new Map<string, Pending>();
  #batch: FrameBatch<wpb.TaskFrame>;
  #closed = false;
  #onClosed: () => void;
  #address: string;
  #unwatch: () => void;

  constructor(
    client: WorkerServiceClient,
    options: { address: string; watchdogMs: number; onClosed: () => void },
  ) {
    this.#address = options.address;
    this.#onClosed = options.onClosed;
    this.#call = client.runTasks();
    this.#batch = new FrameBatch(
      (frames) => {
        if (!this.#closed) this.#call.write({ frames });
      },
      (frame) => TaskFrame.encode(frame).finish(),
    );
    // one watchdog for the stream's life, not a timer per task on every call's path
    this.#unwatch = watchChannel(client.getChannel(), options.watchdogMs, () => this.close());
    this.#call.on("data", (message: wpb.TaskStreamEvents) => {
      for (const event of message.events) this.#receive(event);
    });
    this.#call.on("error", (err: ServiceError) => {
      this.#end(errorOutcome(fromServiceError(err)));
    });
    this.#call.on("end", () => {
      this.#end(failedOutcome("WORKER_UNAVAILABLE", "Worker ended the task stream"));
    });
  }

  /** Starts `request` and resolves with its outcome; never rejects. */
  run(
    request: wpb.TaskRequest,
    options: { onEvent?: (event: TaskEvent) => void; signal?: AbortSignal },
  ): Promise<TaskOutcome> {
    const { signal, onEvent } = options;
    const taskId = request.task_id;
    if (this.#closed) {
      return Promise.resolve(failedOutcome("WORKER_UNAVAILABLE", "The task stream is closed"));
    }
    if (this.#pending.has(taskId)) {
      return Promise.resolve(
        failedOutcome("INVALID_ARGUMENT", `Task id "${taskId}" is already running`),
      );
    }
    return new Promise((resolve) => {
      const onAbort = () => {
        this.#cancel(taskId);
        finish(cancelledOutcome());
      };
      const finish = (outcome: TaskOutcome) => {
        if (this.#pending.get(taskId) !== pending) return;
        this.#pending.delete(taskId);
        signal?.removeEventListener("abort", onAbort);
        resolve(outcome);
      };
      const pending: Pending = { onEvent, finish, tool: request.tool?.tool?.$case };
      this.#pending.set(taskId, pending);
      const start: wpb.TaskFrame = { frame: { $case: "start", value: request } };
      // alone on the stream, nothing could join it: send at once
      if (!this.#batch.add(start, this.#pending.size === 1)) {
        return finish(failedOutcome("TOO_LARGE", tooLargeMessage("request")));
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Ends the stream: every task still on it ends as WORKER_UNAVAILABLE. */
  close(): void {
    if (this.#closed) return;
    this.#call.cancel();
    this.#end(lostWorkerOutcome(this.#address));
  }

  #receive(message: wpb.TaskStreamEvent): void {
    // a task cancelled here may still send its last events: nobody waits for them
    const pending = this.#pending.get(message.task_id);
    if (!pending) return;
    try {
      const decoded = taskEventFromProto(message.event ?? {}, pending.tool);
      if (decoded?.kind === "event") pending.onEvent?.(decoded.event);
      else if (decoded?.kind === "outcome") pending.finish(decoded.outcome);
    } catch (err) {
      this.#cancel(message.task_id);
      pending.finish(failedOutcome("INTERNAL", CodegenError.from(err).message));
    }
  }

  // sent at once, with any start gathered before it
  #cancel(taskId: string): void {
    if (!this.#closed) {
      this.#batch.add({ frame: { $case: "cancel", value: { task_id: taskId } } }, true);
    }
  }

  #end(outcome: TaskOutcome): void {
    this.#batch.clear();
    if (!this.#closed) {
      this.#closed = true;
      this.#unwatch();
      this.#onClosed();
    }
    for (const pending of [...this.#pending.values()]) pending.finish(outcome);
  }
}
