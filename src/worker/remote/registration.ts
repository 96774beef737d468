import { CodegenError, getLogger } from "../../core/mod.ts";
import type {
  LifecycleHeartbeatRequest,
  LifecycleHeartbeatResponse,
  LifecycleRegisterResponse,
  WorkerRegistration,
} from "../../rpc/mod.ts";
import type { WorkerLoad } from "./worker_load.ts";

const log = getLogger("worker", "registration");

/** The coordinator calls a registration needs (a `LifecycleConnection`, or a fake). */
export interface LifecycleCalls {
  register(req: WorkerRegistration): Promise<LifecycleRegisterResponse>;
  heartbeat(req: LifecycleHeartbeatRequest): Promise<LifecycleHeartbeatResponse>;
  deregister(req: { workerId: string; registrationId: string }): Promise<void>;
  /** Calls `onLost` whenever the connection to the coordinator goes down (optional). */
  watchConnection?(onLost: () => void): void;
}

/** Options for {@link Registration}. */
export interface RegistrationOptions {
  calls: LifecycleCalls;
  registration: WorkerRegistration;
  load: WorkerLoad;
  /** Overrides the interval the coordinator asks for (tests). */
  heartbeatIntervalMs?: number | undefined;
  /** Retry delays: doubling from `initialMs` up to `maxMs`; default 250 ms to 15 s. */
  backoff?: { initialMs: number; maxMs: number } | undefined;
  /**
   * Told, at each accepted registration, how long the coordinator wants unused sessions
   * kept (ms); undefined when it did not say.
   */
  onSessionIdle?: ((idleMs: number | undefined) => void) | undefined;
}

/**
 * Longest wait before a failed heartbeat is tried again: a coordinator that restarted
 * answers "unknown worker" to the retry, and the worker registers again within this long
 * instead of a whole heartbeat interval later.
 */
const HEARTBEAT_RETRY_MAX_MS = 2_000;

/** Failures are logged on the 1st, 2nd, 4th, 8th... attempt so an absent coordinator does not flood logs. */
function worthLogging(attempt: number): boolean {
  return (attempt & (attempt - 1)) === 0;
}

/**
 * Keeps a worker registered: registers with backoff until accepted, heartbeats at the
 * interval the coordinator gives, and registers again when told it is unknown.
 */
export class Registration {
  #o: RegistrationOptions;
  #registrationId: string | undefined;
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #accepted: PromiseWithResolvers<void> = Promise.withResolvers();
  /** Heartbeats failed in a row since the last one answered. */
  #missedHeartbeats = 0;
  /** Ends the loop's current wait early (a lost connection: look now). */
  #wake: (() => void) | undefined;

  constructor(options: RegistrationOptions) {
    this.#o = options;
  }

  /** Resolves once the coordinator has accepted the worker (first time). */
  get accepted(): Promise<void> {
    return this.#accepted.promise;
  }

  /** The current registration id, if registered. */
  get registrationId(): string | undefined {
    return this.#registrationId;
  }

  start(): void {
    if (this.#loop) return;
    // a coordinator that restarted between heartbeats is noticed when its connection drops,
    // not up to a whole interval later: the heartbeat sent then is refused, and the worker
    // registers again
    this.#o.calls.watchConnection?.(() => this.#wake?.());
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    let failures = 0;
    let intervalMs = 30_000;
    const { initialMs, maxMs } = this.#o.backoff ?? { initialMs: 250, maxMs: 15_000 };
    const backoff = (n: number, cap: number) => Math.min(cap, initialMs * 2 ** Math.min(n - 1, 20));
    while (!this.#stop.signal.aborted) {
      if (this.#registrationId === undefined) {
        const accepted = await this.#register(++failures);
        if (accepted !== undefined) {
          failures = 0;
          intervalMs = this.#o.heartbeatIntervalMs ?? accepted * 1000;
          continue;
        }
        await this.#sleep(backoff(failures, maxMs));
        continue;
      }
      // after a failed heartbeat the next comes soon: the coordinator may be back already
      const missed = this.#missedHeartbeats;
      const retryCap = Math.min(maxMs, HEARTBEAT_RETRY_MAX_MS, intervalMs);
      await this.#sleep(missed > 0 ? backoff(missed, retryCap) : intervalMs);
      if (!this.#stop.signal.aborted) await this.heartbeat();
    }
  }

  // Returns the heartbeat interval (s) when accepted.
  async #register(attempt: number): Promise<number | undefined> {
    const { calls, registration } = this.#o;
    try {
      const res = await calls.register(registration);
      if (res.accepted) {
        this.#registrationId = res.registrationId;
        this.#missedHeartbeats = 0;
        log.info("Registered as {id} with the coordinator", { id: registration.workerId });
        this.#accepted.resolve();
        const idleSec = res.sessionIdleSec ?? 0;
        this.#o.onSessionIdle?.(idleSec > 0 ? idleSec * 1000 : undefined);
        return res.heartbeatIntervalSec > 0 ? res.heartbeatIntervalSec : 30;
      }
      if (worthLogging(attempt)) {
        log.warn("The coordinator refused registration (attempt {attempt}): {reason}", {
          attempt,
          reason: res.reason,
        });
      }
    } catch (err) {
      if (worthLogging(attempt)) {
        log.warn("Cannot register with the coordinator (attempt {attempt}): {error}", {
          attempt,
          error: CodegenError.from(err).message,
        });
      }
    }
    return undefined;
  }

  /**
   * Sends one heartbeat now; on "unknown worker" the next loop turn registers again, and
   * after a failure it tries again on a short backoff.
   */
  async heartbeat(): Promise<void> {
    const registrationId = this.#registrationId;
    if (registrationId === undefined) return;
    const { calls, registration, load } = this.#o;
    try {
      const res = await calls.heartbeat({
        workerId: registration.workerId,
        registrationId,
        state: load.draining ? "draining" : "ready",
        activeSessions: load.activeSessions,
        activeTasks: load.activeTasks,
      });
      this.#missedHeartbeats = 0;
      if (!res.continueServing && !load.draining) {
        log.warn("The coordinator no longer knows this worker; registering again");
        this.#registrationId = undefined;
      }
      load.keepAlive(res.liveSessionIds ?? []);
    } catch (err) {
      const e = CodegenError.from(err);
      if (e.code === "NOT_FOUND" || e.code === "UNAUTHENTICATED") this.#registrationId = undefined;
      // the registration is kept while unreachable: registering again would drop the
      // sessions of a coordinator that is still up behind a passing fault
      const missed = ++this.#missedHeartbeats;
      if (worthLogging(missed)) {
        log.warn("Heartbeat failed (attempt {missed}): {error}", { missed, error: e.message });
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stop.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const signal = this.#stop.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Stops registering and heartbeating; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  /** Stops, then tells the coordinator this worker leaves (best effort). */
  async deregister(): Promise<void> {
    await this.stop();
    const registrationId = this.#registrationId;
    if (registrationId === undefined) return;
    this.#registrationId = undefined;
    try {
      await this.#o.calls.deregister({ workerId: this.#o.registration.workerId, registrationId });
      log.info("Deregistered from the coordinator");
    } catch (err) {
      log.warn("Cannot deregister: {error}", { error: CodegenError.from(err).message });
    }
  }
}
