import {
  type Clock,
  CodegenError,
  type IdGenerator,
  RANDOM_IDS,
  SYSTEM_CLOCK,
} from "../core/mod.ts";

/** Options for the `WorkerRegistry`. */
export interface WorkerRegistryOptions {
  /** Time source. Default: the system clock. */
  clock?: Clock;
  /** A worker silent for longer than this is removed (`WORKER_HEARTBEAT_TIMEOUT`). */
  heartbeatTimeoutMs: number;
  /**
   * Interval workers are told to heartbeat at. Default 30; lowered when needed so at least
   * three heartbeats fit in the timeout.
   */
  heartbeatIntervalSec?: number;
  /** Registration id source. Default: random UUIDs. */
  ids?: IdGenerator;
  /**
   * Tells workers to remove a session unused for this long (whole seconds, rounded up),
   * so sessions a restarted coordinator no longer knows do not hold their slots forever.
   * Set it well above `SESSION_MAX_AGE`. Default: not sent (workers keep sessions).
   */
  sessionIdleMs?: number;
  /** This process's own monotonic time in ms, for noticing its stalls. Default: performance.now. */
  processNow?: () => number;
}

/** The registry's settings from its options, checked, with defaults filled in. */
export function registrySettings(options: WorkerRegistryOptions): {
  clock: Clock;
  timeoutMs: number;
  intervalSec: number;
  ids: IdGenerator;
  sessionIdleSec: number | undefined;
} {
  const { heartbeatTimeoutMs, heartbeatIntervalSec = 30, sessionIdleMs } = options;
  if (!Number.isFinite(heartbeatTimeoutMs) || heartbeatTimeoutMs <= 0) {
    throw new CodegenError("CONFIG_INVALID", `Invalid heartbeat timeout ${heartbeatTimeoutMs}`);
  }
  if (!Number.isInteger(heartbeatIntervalSec) || heartbeatIntervalSec < 1) {
    throw new CodegenError("CONFIG_INVALID", `Invalid heartbeat interval ${heartbeatIntervalSec}`);
  }
  if (sessionIdleMs !== undefined && !(Number.isFinite(sessionIdleMs) && sessionIdleMs > 0)) {
    throw new CodegenError("CONFIG_INVALID", `Invalid session idle time ${sessionIdleMs}`);
  }
  return {
    clock: options.clock ?? SYSTEM_CLOCK,
    timeoutMs: heartbeatTimeoutMs,
    // at least three heartbeats fit in the timeout
    intervalSec: Math.min(heartbeatIntervalSec, Math.max(1, Math.floor(heartbeatTimeoutMs / 3000))),
    ids: options.ids ?? RANDOM_IDS,
    sessionIdleSec: sessionIdleMs === undefined ? undefined : Math.ceil(sessionIdleMs / 1000),
  };
}
