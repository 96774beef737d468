import { connectivityState, type ServiceError } from "@grpc/grpc-js";
import { CodegenError } from "../core/mod.ts";
import type {
  ExecuteOptions,
  SessionLimits,
  TaskError,
  TaskOutcome,
  TaskRequest,
} from "./tasks.ts";
import { WorkerServiceClient } from "./gen/codegen/v1/worker.ts";
import { toolRequestToProto } from "./convert_tool_requests.ts";
import { limitsFromProto, taskEventFromProto } from "./convert_events.ts";
import { fromServiceError } from "./grpc_status.ts";
import { type ChannelSettings, openChannel } from "./channel.ts";
import { callUnary, type UnaryMethod } from "./_unary.ts";

/** Options for {@link WorkerServiceConnection}. */
export interface WorkerConnectionSettings extends ChannelSettings {
  /** Deadline of session calls and GetLimits; default 60 s. */
  callTimeoutMs?: number;
  /** How often a running task checks the connection is still up; default 250 ms. */
  watchdogMs?: number;
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

function unavailable(message: string): TaskError {
  return { code: "WORKER_UNAVAILABLE", message, retriable: true };
}

/**
 * One pooled channel to a worker's `WorkerService`, speaking the project's types:
 * session calls reject with `CodegenError`; `executeTask` never rejects.
 */
export class WorkerServiceConnection {
  readonly address: string;
  #client: WorkerServiceClient;
  #callTimeoutMs: number;
  #watchdogMs: number;

  constructor(address: string, settings: WorkerConnectionSettings = {}) {
    this.address = address;
    this.#client = openChannel(WorkerServiceClient, address, settings);
    this.#callTimeoutMs = settings.callTimeoutMs ?? 60_000;
    this.#watchdogMs = settings.watchdogMs ?? 250;
  }

  #unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
    return callUnary(this.#client, method, { request, timeoutMs: this.#callTimeoutMs });
  }

  /** The worker's session limits. */
  async getLimits(): Promise<SessionLimits> {
    return limitsFromProto(await this.#unary(this.#client.getLimits, {}));
  }

  /** Prepares a session; returns the limits it gets. */
  async createSession(sessionId: string): Promise<SessionLimits> {
    const res = await this.#unary(this.#client.createSession, { session_id: sessionId });
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
    const { signal, onEvent } = options;
    if (signal?.aborted) {
      const error = { code: "CANCELLED" as const, message: "Task cancelled", retriable: false };
      return Promise.resolve({ ok: false, error });
    }
    return new Promise((resolve) => {
      const call = this.#client.executeTask(taskMessage(sessionId, task, options));
      let outcome: TaskOutcome | undefined;
      let settled = false;
      const channel = this.#client.getChannel();
      const finish = (result: TaskOutcome) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        signal?.removeEventListener("abort", onAbort);
        resolve(result);
      };
      const onAbort = () => {
        call.cancel();
        finish({
          ok: false,
          error: { code: "CANCELLED", message: "Task cancelled", retriable: false },
        });
      };
      // Backstop for a call that outlives its connection without noticing (keepalive
      // covers silent hosts): the channel was closed here, or it has failed to reconnect
      // for a second. A brief failure is tolerated because a stream may still finish on a
      // connection that got a graceful GOAWAY while a new connection is refused.
      let failingFor = 0;
      const watchdog = setInterval(() => {
        const state = channel.getConnectivityState(false);
        failingFor = state === connectivityState.TRANSIENT_FAILURE
          ? failingFor + this.#watchdogMs
          : 0;
        if (state === connectivityState.SHUTDOWN || failingFor >= 1_000) {
          call.cancel();
          finish({
            ok: false,
            error: unavailable(`Lost the connection to worker ${this.address}`),
          });
        }
      }, this.#watchdogMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      call.on("data", (message) => {
        try {
          const decoded = taskEventFromProto(message);
          if (decoded?.kind === "event") onEvent?.(decoded.event);
          else if (decoded?.kind === "outcome") outcome ??= decoded.outcome;
        } catch (err) {
          call.cancel();
          const e = CodegenError.from(err);
          finish({ ok: false, error: { code: "INTERNAL", message: e.message, retriable: false } });
        }
      });
      call.on("error", (err: ServiceError) => {
        if (outcome) return finish(outcome);
        const e = fromServiceError(err);
        finish({ ok: false, error: { code: e.code, message: e.message, retriable: e.retriable } });
      });
      call.on("end", () => {
        finish(
          outcome ?? { ok: false, error: unavailable("Worker ended the task without a result") },
        );
      });
    });
  }

  /** Closes the channel; running calls fail with WORKER_UNAVAILABLE. */
  close(): void {
    this.#client.close();
  }
}
