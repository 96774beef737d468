/** What a worker can do, as it declared at registration. */
export interface WorkerCapabilities {
  /** Tool names the worker serves (e.g. `fs.read`, `run.python`). */
  tools: string[];
  /** Languages it runs (e.g. `python`). */
  languages: string[];
  /** How many sessions it may host at once; the registry never assigns more. */
  maxSessions: number;
}

/** A worker's registration, as the lifecycle server passes it on. */
export interface RegisterRequest {
  workerId: string;
  /** A digest of the token the worker presented; pins a live id to one token. */
  tokenFingerprint: string;
  /** Where the coordinator dials the worker's `WorkerService` (`host:port`). */
  address: string;
  capabilities: WorkerCapabilities;
  version: string;
}

/** The answer to {@link RegisterRequest}; a refusal says why. */
export type RegisterResponse =
  | {
    accepted: true;
    registrationId: string;
    heartbeatIntervalSec: number;
    /** Remove sessions unused this long (seconds); absent: keep them. */
    sessionIdleSec?: number;
  }
  | { accepted: false; reason: string };

/** `ready` workers take new sessions; `draining` ones keep theirs but get no new ones. */
export type WorkerState = "ready" | "draining";

/** One heartbeat; `registrationId` ties it to the registration it belongs to. */
export interface HeartbeatRequest {
  workerId: string;
  registrationId: string;
  state: WorkerState;
  activeSessions: number;
  activeTasks: number;
}

/** `continueServing: false` tells the worker to register again. */
export interface HeartbeatResponse {
  continueServing: boolean;
  commands: string[];
  /**
   * Sessions the coordinator placed on the worker and still serves: the worker counts them
   * as used (its idle sweep is for sessions a coordinator no longer has).
   */
  liveSessionIds?: string[];
}

/** A worker leaving on purpose. */
export interface DeregisterRequest {
  workerId: string;
  registrationId: string;
}

/** A read-only snapshot of one registered worker. */
export interface WorkerInfo {
  readonly id: string;
  readonly address: string;
  readonly state: WorkerState;
  readonly capabilities: Readonly<WorkerCapabilities>;
  /** Sessions the coordinator has assigned to it (slots reserved at assignment). */
  readonly reserved: number;
  /** Sessions the worker itself reported at its last heartbeat. */
  readonly reportedActiveSessions: number;
  readonly activeTasks: number;
  /** Wall-clock time (epoch ms) of the last heartbeat, or of registration before one. */
  readonly lastHeartbeatMs: number;
  readonly version: string;
}

/** The outcome of assigning a session to a worker. */
export type Reservation =
  | { ok: true; workerId: string; address: string }
  | { ok: false; reason: string };

/**
 * Told when a worker leaves (swept, deregistered, or restarted) with the sessions it
 * hosted, so they can be re-homed on next use.
 */
export type WorkerRemovedListener = (workerId: string, sessionIds: string[]) => void;
