/**
 * Observability: Prometheus metrics in dedicated registries (coordinator and remote
 * worker), liveness/readiness/metrics HTTP routes and an admin listener, and tracing
 * through `@opentelemetry/api` (real spans when `OTEL_DENO=true`, no-ops otherwise) with
 * W3C `traceparent` carried to workers. Imports only `core`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { createCoordinatorMetrics, createHealth, healthRoutes, readinessFrom } from "./mod.ts";
 * const metrics = createCoordinatorMetrics({ activeSessions: () => 3 });
 * metrics.toolCall("fs.read", "ok", 12);
 * const health = createHealth({
 *   ready: readinessFrom({ transportsListening: () => true, workersWithCapacity: () => 1 }),
 * });
 * const routes = healthRoutes({ health, metrics });
 * const res = await routes(new Request("http://localhost/readyz"));
 * assert.equal(res?.status, 200);
 * assert.equal(routes(new Request("http://localhost/mcp")), undefined);
 * ```
 * @module
 */
export {
  DURATION_BUCKETS,
  type GaugeProvider,
  KILL_REASONS,
  type KillReason,
  type MetricsSource,
  type MetricsText,
  type TaskOutcomeLabel,
  type ToolOutcome,
} from "./_metric_types.ts";
export {
  type CoordinatorGauges,
  type CoordinatorMetrics,
  type CoordinatorMetricsOptions,
  createCoordinatorMetrics,
} from "./coordinator_metrics.ts";
export {
  createWorkerMetrics,
  type WorkerGauges,
  type WorkerMetrics,
  type WorkerMetricsOptions,
} from "./worker_metrics.ts";
export {
  type KilledTaskEnding,
  type SandboxEnding,
  sandboxKillReason,
  taskKillReason,
} from "./kill_reason.ts";
export { InFlight } from "./in_flight.ts";
export {
  instrumentTaskHandler,
  type InstrumentTaskOptions,
  type TaskEnding,
  type TaskHandlerLike,
  taskOutcomeLabel,
} from "./task_handler.ts";
export { createHealth, type Health, type HealthChecks, type Readiness } from "./health.ts";
export {
  READINESS_REASONS,
  readinessFrom,
  type ReadinessOptions,
  type ReadinessParts,
} from "./readiness.ts";
export { healthRoutes, type HealthRoutesOptions, type PublicRoutes } from "./health_routes.ts";
export { type AdminServer, type AdminServerOptions, startAdminServer } from "./admin_server.ts";
export {
  currentTraceId,
  type RpcSpanOptions,
  SPAN_ATTRIBUTES,
  type ToolSpan,
  type ToolSpanAttributes,
  TRACER_NAME,
  withRpcSpan,
  withToolSpan,
} from "./tracing.ts";
export {
  extractTraceparent,
  formatTraceparent,
  injectTraceparent,
  parseTraceparent,
  TraceparentPropagator,
} from "./trace_context.ts";
