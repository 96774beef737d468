import type { WorkerCapabilities, WorkerInfo, WorkerState } from "./types.ts";

/** The registry's mutable view of one worker; never handed out (see {@link snapshot}). */
export interface WorkerRecord {
  readonly id: string;
  readonly registrationId: string;
  readonly tokenFingerprint: string;
  readonly address: string;
  readonly capabilities: Readonly<WorkerCapabilities>;
  readonly version: string;
  state: WorkerState;
  /** Sessions assigned here; its size is the reserved slot count. */
  readonly sessions: Set<string>;
  reportedActiveSessions: number;
  /**
   * Sessions the worker reported beyond those reserved here when it last heartbeated:
   * ones this coordinator did not place (e.g. a previous coordinator's). They hold slots.
   */
  unplacedSessions: number;
  activeTasks: number;
  /** Epoch ms of the last heartbeat (or registration), for display. */
  lastHeartbeatMs: number;
  /** Monotonic ms of the same moment, for expiry: wall-clock jumps must not expire anyone. */
  lastSeenMono: number;
}

/** Slots in use on `record`: those reserved here plus those the worker hosts besides. */
export function usedSlots(record: WorkerRecord): number {
  return record.sessions.size + record.unplacedSessions;
}

/** Slots still free on `record`. */
export function freeSlots(record: WorkerRecord): number {
  return record.capabilities.maxSessions - usedSlots(record);
}

/**
 * Selection order: most free slots first, then fewest in use, then id, so the same
 * state always picks the same worker.
 */
export function moreFreeFirst(a: WorkerRecord, b: WorkerRecord): boolean {
  const free = freeSlots(a) - freeSlots(b);
  if (free !== 0) return free > 0;
  const used = usedSlots(a) - usedSlots(b);
  if (used !== 0) return used < 0;
  return a.id < b.id;
}

/** Expiry order: the worker silent the longest first. */
export function longestSilentFirst(a: WorkerRecord, b: WorkerRecord): boolean {
  if (a.lastSeenMono !== b.lastSeenMono) return a.lastSeenMono < b.lastSeenMono;
  return a.id < b.id;
}

/** A frozen copy of `record` that callers may keep. */
export function snapshot(record: WorkerRecord): WorkerInfo {
  return Object.freeze({
    id: record.id,
    address: record.address,
    state: record.state,
    capabilities: record.capabilities,
    reserved: record.sessions.size,
    reportedActiveSessions: record.reportedActiveSessions,
    activeTasks: record.activeTasks,
    lastHeartbeatMs: record.lastHeartbeatMs,
    version: record.version,
  });
}

/** Freezes capabilities deeply so snapshots can share them safely. */
export function freezeCapabilities(caps: WorkerCapabilities): Readonly<WorkerCapabilities> {
  return Object.freeze({
    tools: Object.freeze([...caps.tools]) as string[],
    languages: Object.freeze([...caps.languages]) as string[],
    maxSessions: caps.maxSessions,
  });
}
