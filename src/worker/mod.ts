/**
 * The executing side of a worker: session workspaces, file tools and sandboxed Python.
 * The embedded worker and `codegen-mcp worker` both use {@link WorkerExecutor}.
 * @module
 */
export { type ToolHandler, WorkerExecutor } from "./executor.ts";
export type { TaskContext, WorkerOptions } from "./context.ts";
export {
  spawnWorkerThread,
  WORKER_THREAD_URL,
  type WorkerThreadOptions,
  workerThreadPermissions,
} from "./thread/mod.ts";
export { sandboxLimits } from "./python/launch.ts";
export { type HostLimits, hostLimits } from "./sandbox/host_limits.ts";
