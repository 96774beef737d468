import {
  type ExecuteOptions,
  type SessionLimits,
  type TaskOutcome,
  type TaskRequest,
  type WorkerConnectionSettings,
  WorkerServiceConnection,
} from "../rpc/mod.ts";
import type { WorkerClient } from "./worker_client.ts";
import { ANSWER_GRACE_MS, answerDeadlineMs, withAnswerDeadline } from "./_answer_deadline.ts";

/**
 * A remote worker reached over gRPC through a pooled connection. A worker lost mid-task
 * yields a retriable WORKER_UNAVAILABLE outcome within seconds; nothing here throws for it.
 */
export class GrpcWorkerClient implements WorkerClient {
  readonly workerId: string;
  #connection: WorkerServiceConnection;
  #limits: SessionLimits;
  #release: () => void;
  #closed = false;
  #answerGraceMs: number;

  /** Use {@link GrpcWorkerClientPool.connect}, which fetches `limits` and shares channels. */
  constructor(
    workerId: string,
    connection: WorkerServiceConnection,
    options: { limits: SessionLimits; release?: () => void; answerGraceMs?: number },
  ) {
    this.workerId = workerId;
    this.#connection = connection;
    this.#limits = options.limits;
    this.#release = options.release ?? (() => connection.close());
    this.#answerGraceMs = options.answerGraceMs ?? ANSWER_GRACE_MS;
  }

  /** The address this client dials. */
  get address(): string {
    return this.#connection.address;
  }

  async createSession(sessionId: string): Promise<void> {
    this.#limits = await this.#connection.createSession(sessionId);
  }

  destroySession(sessionId: string): Promise<void> {
    return this.#connection.destroySession(sessionId);
  }

  /** Runs `task`; a worker that does not answer in time yields WORKER_UNAVAILABLE (see _answer_deadline.ts). */
  execute(
    sessionId: string,
    task: TaskRequest,
    options: ExecuteOptions = {},
  ): Promise<TaskOutcome> {
    const late = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, late.signal]) : late.signal;
    return withAnswerDeadline(
      this.#connection.executeTask(sessionId, task, { ...options, signal }),
      answerDeadlineMs(task, this.#limits, this.#answerGraceMs),
      { workerId: this.workerId, abort: () => late.abort() },
    );
  }

  limits(): SessionLimits {
    return this.#limits;
  }

  /** Releases this client's hold on the pooled channel (idempotent). */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#release();
    }
    return Promise.resolve();
  }
}

/** Options for {@link createGrpcWorkerClientPool}: token, TLS and timing for every channel. */
export interface GrpcWorkerClientPoolOptions extends WorkerConnectionSettings {
  /** Past a task's own time limit, how long a worker may take to answer; default 30 s. */
  answerGraceMs?: number;
}

interface Entry {
  connection: WorkerServiceConnection;
  users: number;
}

/**
 * One channel per worker address, shared by every client for it; the channel closes when
 * its last client closes, or when the pool closes.
 */
export class GrpcWorkerClientPool {
  #options: GrpcWorkerClientPoolOptions;
  #entries = new Map<string, Entry>();
  #closed = false;

  constructor(options: GrpcWorkerClientPoolOptions = {}) {
    this.#options = options;
  }

  /** How many channels are open (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * A client for the worker at `address`; fetches its limits first (within `timeoutMs`,
   * default the call timeout), so an unreachable worker rejects here with a retriable
   * WORKER_UNAVAILABLE.
   */
  async connect(
    workerId: string,
    address: string,
    options: { timeoutMs?: number } = {},
  ): Promise<GrpcWorkerClient> {
    if (this.#closed) throw new Error("The gRPC client pool is closed");
    let entry = this.#entries.get(address);
    if (!entry) {
      entry = { connection: new WorkerServiceConnection(address, this.#options), users: 0 };
      this.#entries.set(address, entry);
    }
    entry.users++;
    const release = () => this.#release(address, entry);
    try {
      const limits = await entry.connection.getLimits(options.timeoutMs);
      return new GrpcWorkerClient(workerId, entry.connection, {
        limits,
        release,
        ...(this.#options.answerGraceMs !== undefined
          ? { answerGraceMs: this.#options.answerGraceMs }
          : {}),
      });
    } catch (err) {
      release();
      throw err;
    }
  }

  #release(address: string, entry: Entry): void {
    entry.users--;
    if (entry.users <= 0 && this.#entries.get(address) === entry) {
      this.#entries.delete(address);
      // a worker that deregistered after draining may still be sending its last results
      entry.connection.closeWhenIdle();
    }
  }

  /** Closes every channel; clients still held fail their calls as WORKER_UNAVAILABLE. */
  close(): Promise<void> {
    this.#closed = true;
    for (const entry of this.#entries.values()) entry.connection.close();
    this.#entries.clear();
    return Promise.resolve();
  }
}

/** Creates a pool of gRPC worker clients sharing one channel per address. */
export function createGrpcWorkerClientPool(
  options: GrpcWorkerClientPoolOptions = {},
): GrpcWorkerClientPool {
  return new GrpcWorkerClientPool(options);
}
