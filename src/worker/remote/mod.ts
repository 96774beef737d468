/**
 * `codegen-mcp worker`: hosts `WorkerService` over gRPC backed by the same
 * `WorkerExecutor` as the embedded worker, registers with the coordinator, heartbeats,
 * and drains on shutdown.
 * @module
 */
export {
  type RemoteWorker,
  type RemoteWorkerOptions,
  startRemoteWorker,
  WORKER_TOOLS,
} from "./remote_worker.ts";
export { type LifecycleCalls, Registration, type RegistrationOptions } from "./registration.ts";
export { type TaskSlot, WorkerLoad } from "./worker_load.ts";
