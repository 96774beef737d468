import { CodegenError, type ProbeOp, type ProbeResult } from "../core/mod.ts";
import type {
  ExecuteOptions,
  SessionLimits,
  TaskError,
  TaskEvent,
  TaskOutcome,
  TaskRequest,
} from "../rpc/mod.ts";
// type-only: the message shapes the worker thread speaks; nothing of worker/ loads here
import type {
  WorkerThreadMessage,
  WorkerThreadRequest,
  WorkerThreadValues,
} from "../worker/thread/mod.ts";
import type { WorkerClient } from "./worker_client.ts";

/**
 * How the client reaches its thread: the `ThreadLink` `spawnWorkerThread` returns (tests
 * pass a fake to simulate a crash).
 */
export interface ThreadPort {
  postMessage(message: WorkerThreadRequest): void;
  terminate(): void;
  onmessage: ((message: WorkerThreadMessage) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent | Error) => void) | null;
}

/** The `init` request's id, which `spawnWorkerThread` posts first. */
const INIT_ID = 0;

interface Pending {
  resolve(value: unknown): void;
  reject(err: CodegenError): void;
  onEvent?: ((event: TaskEvent) => void) | undefined;
  /** Set for `execute`: a crash resolves it with an outcome instead of rejecting. */
  outcome?: boolean;
}

type Request = WorkerThreadRequest extends infer R
  ? R extends { id: number } ? Omit<R, "id"> : never
  : never;

/**
 * A {@link WorkerClient} for the embedded worker running in its own Deno Worker: tasks,
 * events and outcomes cross as plain JSON, aborting a signal cancels the task in the thread,
 * and a crashed thread turns every pending and later call into a retriable
 * WORKER_UNAVAILABLE instead of a hang.
 */
export class ThreadWorkerClient implements WorkerClient {
  readonly workerId: string;
  #port: ThreadPort;
  #pending = new Map<number, Pending>();
  #nextId = INIT_ID + 1;
  #limits: SessionLimits | undefined;
  #failure: CodegenError | undefined;
  #closed = false;

  private constructor(workerId: string, port: ThreadPort) {
    this.workerId = workerId;
    this.#port = port;
    port.onmessage = (message) => this.#receive(message);
    port.onerror = (event) => {
      event.preventDefault();
      this.#fail(`worker thread "${workerId}" crashed: ${event.message}`);
    };
    port.onmessageerror = () =>
      this.#fail(`worker thread "${workerId}" sent an unreadable message`);
  }

  /** Waits for the thread's `init` reply (its limits) and returns the ready client. */
  static async start(workerId: string, port: ThreadPort): Promise<ThreadWorkerClient> {
    const client = new ThreadWorkerClient(workerId, port);
    try {
      client.#limits = await new Promise<SessionLimits>((resolve, reject) => {
        client.#pending.set(INIT_ID, { resolve: (v) => resolve(v as SessionLimits), reject });
      });
    } catch (err) {
      port.terminate();
      throw err;
    }
    return client;
  }

  createSession(sessionId: string): Promise<void> {
    return this.#call({ type: "create", sessionId }).then(() => {});
  }

  destroySession(sessionId: string): Promise<void> {
    return this.#call({ type: "destroy", sessionId }).then(() => {});
  }

  execute(
    sessionId: string,
    task: TaskRequest,
    options: ExecuteOptions = {},
  ): Promise<TaskOutcome> {
    if (this.#failure) return Promise.resolve(unavailable(this.#failure));
    const id = this.#nextId++;
    const signal = options.signal;
    const onAbort = () => {
      const reason = signal?.reason instanceof Error ? signal.reason.message : undefined;
      this.#port.postMessage({ type: "cancel", target: id, ...(reason ? { reason } : {}) });
    };
    return new Promise<TaskOutcome>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (v) => resolve(v as TaskOutcome),
        reject,
        onEvent: options.onEvent,
        outcome: true,
      });
      this.#port.postMessage({
        type: "execute",
        id,
        sessionId,
        task,
        events: options.onEvent !== undefined,
        ...(signal?.aborted ? { aborted: true } : {}),
        ...(options.traceparent ? { traceparent: options.traceparent } : {}),
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    }).finally(() => signal?.removeEventListener("abort", onAbort));
  }

  limits(): SessionLimits {
    if (!this.#limits) throw new CodegenError("INTERNAL", "The worker thread is not started");
    return this.#limits;
  }

  /**
   * Asks the thread whether it may perform `op` (never performing a permitted one): how
   * tests show the thread's narrowing from the inside.
   */
  probe(op: ProbeOp): Promise<ProbeResult> {
    return this.#call({ type: "probe", op });
  }

  /** Closes the executor in the thread (stopping its tasks), then ends the thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (!this.#failure) await this.#call({ type: "close" });
    } finally {
      this.#fail(`worker thread "${this.workerId}" is closed`);
    }
  }

  #call<T extends Request["type"]>(
    request: Extract<Request, { type: T }>,
  ): Promise<T extends keyof WorkerThreadValues ? WorkerThreadValues[T] : never> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#port.postMessage({ ...request, id } as WorkerThreadRequest);
    });
  }

  #receive(message: WorkerThreadMessage): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === "event") {
      pending.onEvent?.(message.event);
      return;
    }
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(toError(message.error));
  }

  #fail(detail: string): void {
    this.#failure ??= new CodegenError("WORKER_UNAVAILABLE", detail, { retriable: true });
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      if (p.outcome) p.resolve(unavailable(this.#failure));
      else p.reject(this.#failure);
    }
    this.#port.terminate();
  }
}

function toError(error: TaskError): CodegenError {
  return new CodegenError(error.code, error.message, { retriable: error.retriable });
}

function unavailable(error: CodegenError): TaskOutcome {
  return {
    ok: false,
    error: { code: "WORKER_UNAVAILABLE", message: error.message, retriable: true },
  };
}

/** Waits for the thread `spawnWorkerThread` started to initialise and returns its client. */
export function createThreadWorkerClient(
  workerId: string,
  port: ThreadPort,
): Promise<ThreadWorkerClient> {
  return ThreadWorkerClient.start(workerId, port);
}
