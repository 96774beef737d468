import { SETTING } from "../config/mod.ts";
import { addressKey } from "./address_key.ts";
import { type Clock, constantTimeEqual, getLogger, type IdGenerator } from "../core/mod.ts";
import { IndexedHeap } from "./indexed_heap.ts";
import { registrySettings, type WorkerRegistryOptions } from "./_registry_options.ts";
import { validateRegistration } from "./validate.ts";
import {
  freeSlots,
  freezeCapabilities,
  longestSilentFirst,
  snapshot,
  type WorkerRecord,
} from "./_worker_record.ts";
import { CapacityIndex } from "./_capacity_index.ts";
import { OwnStall } from "./_own_stall.ts";
import type {
  DeregisterRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  RegisterRequest,
  RegisterResponse,
  Reservation,
  WorkerInfo,
  WorkerRemovedListener,
  WorkerState,
} from "./types.ts";

const log = getLogger("registry");

export type { WorkerRegistryOptions };

/**
 * The coordinator's record of workers: registration, heartbeats, stale sweep, and
 * capacity-aware session placement that reserves the slot at assignment, so a burst of new
 * sessions between two heartbeats never oversubscribes a worker.
 *
 * Complexity (n workers): `reserve`, `release`, `heartbeat`, `register` and `deregister`
 * are O(log n) — ready workers sit in an indexed max-heap keyed by free slots, and all
 * workers in an indexed min-heap keyed by last heartbeat; a worker whose key changes is
 * re-sifted in place. `sweep` is O(1) when nothing expired and O(k log n) for k expired
 * workers (plus their sessions). `list` and `healthyCount` are O(n).
 */
export class WorkerRegistry {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #intervalSec: number;
  readonly #ids: IdGenerator;
  readonly #sessionIdleSec: number | undefined;
  readonly #workers = new Map<string, WorkerRecord>();
  readonly #sessions = new Map<string, WorkerRecord>();
  /** Each worker by the address it advertised: two workers never share one. */
  readonly #byAddress = new Map<string, WorkerRecord>();
  /** Ready workers only, most free slots first. */
  readonly #ready = new CapacityIndex();
  /** Every worker: the one silent the longest on top. */
  readonly #expiry = new IndexedHeap<WorkerRecord>(longestSilentFirst);
  readonly #listeners = new Set<WorkerRemovedListener>();
  /** After this process stalled, workers get a grace to be heard (see _own_stall.ts). */
  readonly #stall: OwnStall;

  constructor(options: WorkerRegistryOptions) {
    const settings = registrySettings(options);
    this.#clock = settings.clock;
    this.#timeoutMs = settings.timeoutMs;
    this.#intervalSec = settings.intervalSec;
    this.#ids = settings.ids;
    this.#sessionIdleSec = settings.sessionIdleSec;
    // the sweep looks at least every quarter timeout; two heartbeats reach it after a stall,
    // and one grace per timeout bounds a dead worker's stay to about twice the timeout
    this.#stall = new OwnStall({
      thresholdMs: this.#timeoutMs / 2,
      graceMs: 2 * this.#intervalSec * 1000,
      spacingMs: this.#timeoutMs,
    }, options.processNow);
  }

  /** How many workers are registered (ready or draining). */
  get size(): number {
    return this.#workers.size;
  }

  /**
   * Accepts a worker, or refuses it with a reason. A live id re-registering with a
   * different token is refused; with the same token it is a restart: its sessions were
   * lost, so their reservations are dropped and listeners told.
   */
  register(req: RegisterRequest): RegisterResponse {
    const check = validateRegistration(req);
    if (!check.ok) {
      log.warn("Refused worker registration: {reason}", { reason: check.reason });
      return { accepted: false, reason: check.reason };
    }
    const value = check.value;
    this.#expireStale();
    const previous = this.#workers.get(value.workerId);
    if (previous && !constantTimeEqual(previous.tokenFingerprint, value.tokenFingerprint)) {
      const reason = `Worker id ${JSON.stringify(value.workerId)} is already registered ` +
        "with a different token";
      log.warn("Refused worker registration: {reason}", { reason });
      return { accepted: false, reason };
    }
    const holder = this.#byAddress.get(addressKey(value.address));
    let displaced: { id: string; sessions: string[] } | undefined;
    if (holder && holder.id !== value.workerId) {
      // calls for one would reach the other: its sessions, its slots, under the wrong id
      if (this.#clock.monotonic() - holder.lastSeenMono <= 2 * this.#intervalSec * 1000) {
        const reason = `Address ${JSON.stringify(value.address)} is already registered by ` +
          `worker ${
            JSON.stringify(holder.id)
          }; set ${SETTING.advertise} to this worker's own address`;
        log.warn("Refused worker registration: {reason}", { reason });
        return { accepted: false, reason };
      }
      // the holder fell silent and its address now answers for another worker
      displaced = { id: holder.id, sessions: this.#detach(holder) };
      log.warn("Worker {workerId} removed: worker {other} now answers at its address", {
        workerId: holder.id,
        other: value.workerId,
        sessions: displaced.sessions.length,
      });
    }
    const lost = previous ? this.#detach(previous) : undefined;
    const record: WorkerRecord = {
      id: value.workerId,
      registrationId: this.#ids.next(),
      tokenFingerprint: value.tokenFingerprint,
      address: value.address,
      capabilities: freezeCapabilities(value.capabilities),
      version: value.version,
      state: "ready",
      sessions: new Set(),
      reportedActiveSessions: 0,
      unplacedSessions: 0,
      activeTasks: 0,
      lastHeartbeatMs: this.#clock.now(),
      lastSeenMono: this.#clock.monotonic(),
    };
    this.#attach(record);
    log.info("Worker {workerId} registered at {address} with {maxSessions} slots", {
      workerId: record.id,
      address: record.address,
      maxSessions: record.capabilities.maxSessions,
      restarted: previous !== undefined,
    });
    if (displaced) this.#notify(displaced.id, displaced.sessions);
    if (lost) this.#notify(record.id, lost);
    return {
      accepted: true,
      registrationId: record.registrationId,
      heartbeatIntervalSec: this.#intervalSec,
      ...(this.#sessionIdleSec === undefined ? {} : { sessionIdleSec: this.#sessionIdleSec }),
    };
  }

  /**
   * Records a heartbeat. An unknown worker or an old registration id gets
   * `continueServing: false`, which tells the worker to register again. A late heartbeat
   * that arrives before the worker was swept keeps it: it is evidently alive. Sessions the
   * worker reports beyond those reserved here (a previous coordinator's, say) count as
   * used slots until a later heartbeat reports them gone.
   */
  heartbeat(req: HeartbeatRequest): HeartbeatResponse {
    const record = this.#current(req.workerId, req.registrationId);
    if (!record) return { continueServing: false, commands: [] };
    record.lastHeartbeatMs = this.#clock.now();
    record.lastSeenMono = this.#clock.monotonic();
    record.reportedActiveSessions = count(req.activeSessions);
    record.activeTasks = count(req.activeTasks);
    this.#expiry.update(record);
    this.#ready.setUnplaced(record, record.reportedActiveSessions - record.sessions.size);
    if (req.state === "ready" || req.state === "draining") this.#setState(record, req.state);
    return { continueServing: true, commands: [], liveSessionIds: [...record.sessions] };
  }

  /** Removes a worker that is leaving; a stale registration id is ignored. */
  deregister(req: DeregisterRequest): void {
    const record = this.#current(req.workerId, req.registrationId);
    if (!record) return;
    const lost = this.#detach(record);
    log.info("Worker {workerId} deregistered", { workerId: record.id, sessions: lost.length });
    this.#notify(record.id, lost);
  }

  /**
   * Removes a worker the coordinator could not reach (a call failed with the connection
   * lost), so no new session is placed on it. If it is in fact alive, its next heartbeat
   * is refused and it registers again. Returns the sessions it hosted.
   */
  evict(workerId: string, reason: string): string[] {
    const record = this.#workers.get(workerId);
    if (!record) return [];
    const lost = this.#detach(record);
    log.warn("Worker {workerId} evicted: {reason}", { workerId, reason, sessions: lost.length });
    this.#notify(record.id, lost);
    return lost;
  }

  /** Removes workers silent for longer than the heartbeat timeout; returns their ids. */
  sweep(): string[] {
    return this.#expireStale();
  }

  /**
   * Assigns `sessionId` to the ready worker with the most free slots and reserves the slot
   * now. Idempotent: a session already assigned gets its worker back. O(log n).
   */
  reserve(sessionId: string): Reservation {
    if (sessionId.length === 0) return { ok: false, reason: "Missing session id" };
    const assigned = this.#sessions.get(sessionId);
    if (assigned) return { ok: true, workerId: assigned.id, address: assigned.address };
    this.#expireStale();
    const best = this.#ready.best();
    if (!best) return { ok: false, reason: this.#ready.refusal(this.#workers.size) };
    this.#ready.assign(best, sessionId);
    this.#sessions.set(sessionId, best);
    return { ok: true, workerId: best.id, address: best.address };
  }

  /**
   * Reserves a slot for `sessionId` on one worker: the one that hosted it before it lost
   * its reservation there (the worker fell silent or was evicted, then registered again).
   * A slot the worker reports as held by a session this registry did not place may be that
   * very session's, so it counts as free for this. Refuses a worker that is not ready.
   */
  reserveOn(sessionId: string, workerId: string): boolean {
    const assigned = this.#sessions.get(sessionId);
    if (assigned) return assigned.id === workerId;
    this.#expireStale();
    const record = this.#workers.get(workerId);
    if (!record || !this.#ready.has(record)) return false;
    const unplaced = record.unplacedSessions;
    if (freeSlots(record) <= 0 && unplaced === 0) return false;
    this.#ready.assign(record, sessionId);
    // counted twice until the next heartbeat otherwise (which recounts it either way)
    if (unplaced > 0) this.#ready.setUnplaced(record, unplaced - 1);
    this.#sessions.set(sessionId, record);
    return true;
  }

  /** Frees the slot `sessionId` holds, if any. O(log n). */
  release(sessionId: string): void {
    const record = this.#sessions.get(sessionId);
    if (!record) return;
    this.#sessions.delete(sessionId);
    this.#ready.unassign(record, sessionId);
  }

  /**
   * The worker refused a new session for lack of room (LIMIT_EXCEEDED): it hosts sessions
   * this registry does not know of. Counts it full until its next heartbeat says otherwise.
   */
  markFull(workerId: string): void {
    const record = this.#workers.get(workerId);
    if (record) this.#ready.setUnplaced(record, record.capabilities.maxSessions);
  }

  /**
   * The worker refused a new session because it is leaving (draining, shutting down):
   * places no session there, and counts none of its slots as free or full, until a
   * heartbeat says it is ready again.
   */
  markDraining(workerId: string): void {
    const record = this.#workers.get(workerId);
    if (record) this.#setState(record, "draining");
  }

  /** The worker `sessionId` is assigned to, if any. */
  workerOf(sessionId: string): string | undefined {
    return this.#sessions.get(sessionId)?.id;
  }

  /** A snapshot of one worker. */
  get(workerId: string): WorkerInfo | undefined {
    const record = this.#workers.get(workerId);
    return record && snapshot(record);
  }

  /** The token fingerprint the worker registered with (never the token itself). */
  fingerprintOf(workerId: string): string | undefined {
    return this.#workers.get(workerId)?.tokenFingerprint;
  }

  /** Snapshots of every worker, by id. */
  list(): WorkerInfo[] {
    return [...this.#workers.values()].sort((a, b) => a.id < b.id ? -1 : 1).map(snapshot);
  }

  /** Ready workers heard from within the heartbeat timeout. */
  healthyCount(): number {
    const cutoff = this.#clock.monotonic() - this.#timeoutMs;
    let healthy = 0;
    for (const record of this.#ready.values()) if (record.lastSeenMono >= cutoff) healthy++;
    return healthy;
  }

  /** Whether a new session could be placed now (stale workers are swept first). */
  hasCapacity(): boolean {
    this.#expireStale();
    return this.#ready.best() !== undefined;
  }

  /** Calls `listener` whenever a worker leaves with the sessions it hosted; returns an unsubscribe. */
  onWorkerRemoved(listener: WorkerRemovedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #current(workerId: string, registrationId: string): WorkerRecord | undefined {
    const record = this.#workers.get(workerId);
    return record?.registrationId === registrationId ? record : undefined;
  }

  #expireStale(): string[] {
    if (this.#stall.excused()) return [];
    const cutoff = this.#clock.monotonic() - this.#timeoutMs;
    const removed: Array<[string, string[]]> = [];
    // Each pass removes the top worker, so this ends after at most n passes.
    for (
      let top = this.#expiry.peek();
      top && top.lastSeenMono < cutoff;
      top = this.#expiry.peek()
    ) {
      removed.push([top.id, this.#detach(top)]);
    }
    // Listeners run only after every removal, so one that re-enters sees a settled registry.
    for (const [workerId, sessions] of removed) {
      log.warn("Worker {workerId} missed its heartbeats and was removed", {
        workerId,
        sessions: sessions.length,
      });
      this.#notify(workerId, sessions);
    }
    return removed.map(([workerId]) => workerId);
  }

  #setState(record: WorkerRecord, state: WorkerState): void {
    if (record.state === state) return;
    record.state = state;
    if (state === "draining") this.#ready.remove(record);
    else this.#ready.add(record);
  }

  #attach(record: WorkerRecord): void {
    this.#workers.set(record.id, record);
    this.#byAddress.set(addressKey(record.address), record);
    this.#expiry.push(record);
    if (record.state === "ready") this.#ready.add(record);
  }

  /** Forgets `record` and its sessions' assignments; returns those sessions. */
  #detach(record: WorkerRecord): string[] {
    this.#workers.delete(record.id);
    const key = addressKey(record.address);
    if (this.#byAddress.get(key) === record) this.#byAddress.delete(key);
    this.#expiry.remove(record);
    this.#ready.remove(record);
    for (const sessionId of record.sessions) this.#sessions.delete(sessionId);
    return [...record.sessions];
  }

  #notify(workerId: string, sessionIds: string[]): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(workerId, [...sessionIds]);
      } catch (err) {
        // One faulty listener must not stop the others from re-homing sessions.
        log.error("A worker-removed listener failed: {error}", { workerId, error: String(err) });
      }
    }
  }
}

/** A reported count from the wire: anything but a non-negative integer counts as 0. */
function count(value: number): number {
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}
