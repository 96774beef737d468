/**
 * Routing from sessions to workers: the {@link WorkerClient} interface, its in-process and
 * gRPC implementations, and the {@link Router} that keeps session affinity and re-homes
 * sessions whose worker went away.
 * @module
 */
export type { WorkerClient } from "./worker_client.ts";
export { EmbeddedWorkerClient } from "./embedded_worker_client.ts";
export {
  createThreadWorkerClient,
  type ThreadPort,
  ThreadWorkerClient,
} from "./thread_worker_client.ts";
export {
  createGrpcWorkerClientPool,
  GrpcWorkerClient,
  GrpcWorkerClientPool,
  type GrpcWorkerClientPoolOptions,
} from "./grpc_worker_client.ts";
export { type RemoteWorkers, type Route, Router, type RouterOptions } from "./router.ts";
