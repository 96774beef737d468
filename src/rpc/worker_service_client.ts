import type { ServiceError } from "@grpc/grpc-js";
import { CodegenError } from "../core/mod.ts";
import type { ExecuteOptions, SessionLimits, TaskOutcome, TaskRequest } from "./tasks.ts";
import type * as wpb from "./gen/codegen/v1/worker.ts";
import { WorkerServiceClient } from "./gen/codegen/v1/worker.ts";
import { toolRequestToProto } from "./convert_tool_requests.ts";
import { limitsFromProto, taskEventFromProto } from "./convert_events.ts";
import { fromServiceError } from "./grpc_status.ts";
import { type ChannelSettings, openChannel } from "./channel.ts";
import { callUnary, type UnaryMethod } from "./_unary.ts";
import { watchChannel } from "./_watchdog.ts";
import { TaskStream } from "./task_stream_client.ts";
import { cancelledOutcome, errorOutcome, failedOutcome, lostWorkerOutcome } from "./_outcomes.ts";

/** Options for {@link WorkerServiceConnection}. */
export interface WorkerConnectionSettings extends ChannelSettings {
  /** Deadline of session calls and GetLimits; default 60 s. */
  callTimeoutMs?: number;
  /**
   * Deadline of CreateSession (it makes a directory; the interpreter starts in the
   * background); default 15 s, or `callTimeoutMs` when shorter. A new session's first call waits for it: a hung worker
   * must not hold it for a minute.
   */
  createTimeoutMs?: number;
  /** How often a running task checks the connection is still up; default 250 ms. */
  watchdogMs?: number;
  /**
   * Sends tasks over one long-lived RunTasks stream (default true); false opens one
   * ExecuteTask call per task, which costs a new HTTP/2 stream each time.
   */
  taskStream?: boolean;
}

/** Per-call options of {@link WorkerServiceConnection.executeTask}. */
export interface RemoteExecuteOptions extends ExecuteOptions {
  /** Id the worker knows the task by (for CancelTask); default a random UUID. */
  taskId?: string;
}

function taskMessage(sessionId: string, task: TaskRequest, options: RemoteExecuteOptions) {
  const message = {
    session_id: sessionId,
    task_id: options.taskId ?? crypto.randomUUID(),
    tool: toolRequestToProto(task),
  };
  return options.traceparent ? { ...message, traceparent: options.traceparent } : message;
}

/**
 * One pooled channel to a worker's `WorkerService`, speaking the project's types:
 * session calls reject with `CodegenError`; `executeTask` never rejects.
 */
export class WorkerServiceConnection {
  readonly address: string;
  #client: WorkerServiceClient;
  #callTimeoutMs: number;
  #createTimeoutMs: number;
  #watchdogMs: number;
  #useStream: boolean;
  #stream: TaskStream | undefined;
  #running = 0;
  #closing = false;
  #closed = false;

  constructor(address: string, settings: WorkerConnectionSettings = {}) {
    this.address = address;
    this.#client = openChannel(WorkerServiceClient, address, settings);
    this.#callTimeoutMs = settings.callTimeoutMs ?? 60_000;
    this.#createTimeoutMs = Math.min(settings.createTimeoutMs ?? 15_000, this.#callTimeoutMs);
    this.#watchdogMs = settings.watchdogMs ?? 250;
    this.#useStream = settings.taskStream ?? true;
  }

  #unary<Req, Res>(
    method: UnaryMethod<Req, Res>,
    request: Req,
    timeoutMs = this.#callTimeoutMs,
  ): Promise<Res> {
    return callUnary(this.#client, method, { request, timeoutMs });
  }

  /** The worker's session limits; `timeoutMs` overrides the call timeout. */
  async getLimits(timeoutMs?: number): Promise<SessionLimits> {
    return limitsFromProto(await this.#unary(this.#client.getLimits, {}, timeoutMs));
  }

  /** Prepares a session; returns the limits it gets. */
  async createSession(sessionId: string): Promise<SessionLimits> {
    const res = await this.#unary(
      this.#client.createSession,
      { session_id: sessionId },
      this.#createTimeoutMs,
    );
    if (!res.limits) throw new CodegenError("INTERNAL", "Worker sent no limits");
    return limitsFromProto(res.limits);
  }

  /** Removes a session and its workspace. */
  async destroySession(sessionId: string): Promise<void> {
    await this.#unary(this.#client.destroySession, { session_id: sessionId });
  }

  /** Cancels a task by id; whether the worker found it running. */
  async cancelTask(taskId: string): Promise<boolean> {
    return (await this.#unary(this.#client.cancelTask, { task_id: taskId })).cancelled;
  }

  /**
   * Runs a task, passing events to `onEvent`. Resolves with the outcome; a lost worker
   * (reset, UNAVAILABLE, stream ending without a result) is WORKER_UNAVAILABLE, retriable.
   */
  executeTask(
    sessionId: string,
    task: TaskRequest,
    options: RemoteExecuteOptions = {},
  ): Promise<TaskOutcome> {
    if (options.signal?.aborted) return Promise.resolve(cancelledOutcome());
    if (this.#closing) {
      return Promise.resolve(failedOutcome("WORKER_UNAVAILABLE", "The connection is closing"));
    }
    this.#running++;
    return this.#send(taskMessage(sessionId, task, options), options).finally(() => {
      if (--this.#running === 0 && this.#closing) this.close();
    });
  }

  #send(request: wpb.TaskRequest, options: RemoteExecuteOptions): Promise<TaskOutcome> {
    const { signal, onEvent } = options;
    if (this.#useStream) {
      const stream = this.#stream ??= new TaskStream(this.#client, {
        address: this.address,
        watchdogMs: this.#watchdogMs,
        onClosed: () => {
          if (this.#stream === stream) this.#stream = undefined;
        },
      });
      return stream.run(request, options);
    }
    return new Promise((resolve) => {
      const call = this.#client.executeTask(request);
      let outcome: TaskOutcome | undefined;
      let settled = false;
      const finish = (result: TaskOutcome) => {
        if (settled) return;
        settled = true;
        unwatch();
        signal?.removeEventListener("abort", onAbort);
        resolve(result);
      };
      const onAbort = () => {
        call.cancel();
        finish(cancelledOutcome());
      };
      const unwatch = watchChannel(this.#client.getChannel(), this.#watchdogMs, () => {
        call.cancel();
        finish(lostWorkerOutcome(this.address));
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      call.on("data", (message) => {
        try {
          const decoded = taskEventFromProto(message, request.tool?.tool?.$case);
          if (decoded?.kind === "event") onEvent?.(decoded.event);
          else if (decoded?.kind === "outcome") outcome ??= decoded.outcome;
        } catch (err) {
          call.cancel();
          finish(failedOutcome("INTERNAL", CodegenError.from(err).message));
        }
      });
      call.on("error", (err: ServiceError) => {
        if (outcome) return finish(outcome);
        finish(errorOutcome(fromServiceError(err)));
      });
      call.on("end", () => {
        finish(
          outcome ?? failedOutcome("WORKER_UNAVAILABLE", "Worker ended the task without a result"),
        );
      });
    });
  }

  /**
   * Refuses new tasks and closes the channel once the running ones end, e.g. for a worker
   * that deregistered after draining, whose last results may still be on the way.
   */
  closeWhenIdle(): void {
    this.#closing = true;
    if (this.#running === 0) this.close();
  }

  /** Closes the channel; running calls fail with WORKER_UNAVAILABLE. */
  close(): void {
    if (this.#closed) return;
    this.#closed = this.#closing = true;
    this.#stream?.close();
    this.#client.close();
  }
}
