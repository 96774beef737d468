/**
 * Routing from sessions to workers: the {@link WorkerClient} interface and its in-process
 * and gRPC implementations.
 * @module
 */
export type { WorkerClient } from "./worker_client.ts";
export { EmbeddedWorkerClient } from "./embedded_worker_client.ts";
