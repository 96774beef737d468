/**
 * The coordinator's worker registry: registration (a live id is pinned to one token),
 * heartbeats, a stale sweep after `WORKER_HEARTBEAT_TIMEOUT`, and capacity-aware session
 * placement in O(log n) that reserves the slot at assignment.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerRegistry } from "./mod.ts";
 * const registry = new WorkerRegistry({ heartbeatTimeoutMs: 300_000 });
 * registry.register({
 *   workerId: "w1",
 *   tokenFingerprint: "f1",
 *   address: "10.0.0.5:50051",
 *   capabilities: { tools: ["run.python"], languages: ["python"], maxSessions: 2 },
 *   version: "0.1.0",
 * });
 * const placed = registry.reserve("session-1");
 * assert.deepEqual(placed, { ok: true, workerId: "w1", address: "10.0.0.5:50051" });
 * ```
 * @module
 */
export { WorkerRegistry, type WorkerRegistryOptions } from "./worker_registry.ts";
export type {
  DeregisterRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  RegisterRequest,
  RegisterResponse,
  Reservation,
  WorkerCapabilities,
  WorkerInfo,
  WorkerRemovedListener,
  WorkerState,
} from "./types.ts";
export {
  MAX_ADDRESS_LENGTH,
  MAX_CAPABILITY_ENTRIES,
  MAX_SESSIONS_PER_WORKER,
  type RegistrationCheck,
  validateRegistration,
} from "./validate.ts";
export { IndexedHeap } from "./indexed_heap.ts";
export { addressKey } from "./address_key.ts";
