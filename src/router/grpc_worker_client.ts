import {
  type ExecuteOptions,
  type SessionLimits,
  type TaskOutcome,
  type TaskRequest,
  type WorkerConnectionSettings,
  WorkerServiceConnection,
} from "../rpc/mod.ts";
import type { WorkerClient } from "./worker_client.ts";

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

  /** Use {@link GrpcWorkerClientPool.connect}, which fetches `limits` and shares channels. */
  constructor(
    workerId: string,
    connection: WorkerServiceConnection,
    options: { limits: SessionLimits; release?: () => void },
  ) {
    this.workerId = workerId;
    this.#connection = connection;
    this.#limits = options.limits;
    this.#release = options.release ?? (() => connection.close());
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

  execute(sessionId: string, task: TaskRequest, options?: ExecuteOptions): Promise<TaskOutcome> {
    return this.#connection.executeTask(sessionId, task, options);
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
export type GrpcWorkerClientPoolOptions = WorkerConnectionSettings;

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
      return new GrpcWorkerClient(workerId, entry.connection, { limits, release });
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
