/**
 * The embedded worker in its own Deno Worker: {@link spawnWorkerThread} starts a thread
 * that may write only the workspace root and hosts a `WorkerExecutor` there; the router's
 * `ThreadWorkerClient` talks to it with the messages of {@link WorkerThreadRequest}.
 * @module
 */
export {
  spawnWorkerThread,
  SYSTEM_READ_PATHS,
  WORKER_THREAD_URL,
  type WorkerThreadOptions,
  workerThreadPermissions,
} from "./spawn.ts";
export { ThreadLink } from "./link.ts";
export {
  INIT_REQUEST_ID,
  type ThreadRings,
  type WorkerThreadMessage,
  type WorkerThreadRequest,
  type WorkerThreadValues,
} from "./protocol.ts";
