/**
 * Composition of the subcommands: builds and wires the modules for `serve`, `worker`,
 * `permissions` and `audit verify`. Only main.ts imports this.
 * @module
 */
export { type Coordinator, type CoordinatorOptions, createCoordinator } from "./coordinator.ts";
export { runServe } from "./serve.ts";
export { runWorker } from "./worker.ts";
export { runHealthCheck } from "./health_check.ts";
export { describePermissions, runPermissions } from "./permissions.ts";
export { type Fleet, startFleet } from "./fleet.ts";
export { createEmbeddedWorkers } from "./embedded_workers.ts";
