/** What a worker declares it can do. */
export interface WorkerCapabilitiesMessage {
  tools: string[];
  languages: string[];
  maxSessions: number;
}

/** A registration as the coordinator's registry receives it (token already checked). */
export interface LifecycleRegisterRequest {
  workerId: string;
  /** SHA-256 hex of the token the worker presented (never the token itself). */
  tokenFingerprint: string;
  /** `host:port` where the coordinator dials the worker. */
  address: string;
  capabilities: WorkerCapabilitiesMessage;
  version: string;
}

/** The registry's answer; a refusal says why. */
export type LifecycleRegisterResponse =
  | {
    accepted: true;
    registrationId: string;
    heartbeatIntervalSec: number;
    /** The worker should remove sessions unused this long (seconds); absent or 0: keep them. */
    sessionIdleSec?: number;
  }
  | { accepted: false; reason: string };

/** One heartbeat from a worker. */
export interface LifecycleHeartbeatRequest {
  workerId: string;
  registrationId: string;
  state: "ready" | "draining";
  activeSessions: number;
  activeTasks: number;
}

/** `continueServing: false` tells the worker to register again. */
export interface LifecycleHeartbeatResponse {
  continueServing: boolean;
  commands: string[];
  /**
   * Sessions the coordinator placed on the worker and still serves: the worker counts them
   * as used (its idle sweep is for sessions a coordinator no longer has).
   */
  liveSessionIds?: string[];
}

/** A worker leaving on purpose. */
export interface LifecycleDeregisterRequest {
  workerId: string;
  registrationId: string;
}

/**
 * The coordinator side of `WorkerLifecycle`, free of gRPC types; the worker registry
 * implements it. Methods may answer synchronously or with a promise.
 */
export interface LifecycleRegistry {
  register(
    req: LifecycleRegisterRequest,
  ): LifecycleRegisterResponse | Promise<LifecycleRegisterResponse>;
  heartbeat(
    req: LifecycleHeartbeatRequest,
  ): LifecycleHeartbeatResponse | Promise<LifecycleHeartbeatResponse>;
  deregister(req: LifecycleDeregisterRequest): void | Promise<void>;
}
