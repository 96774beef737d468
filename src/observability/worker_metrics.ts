import { Registry } from "prom-client";
import { type Clock, SYSTEM_CLOCK } from "../core/mod.ts";
import type {
  GaugeProvider,
  KillReason,
  MetricsSource,
  TaskOutcomeLabel,
} from "./_metric_types.ts";
import { callMetrics } from "./_calls.ts";
import { killCounter } from "./_kills.ts";
import { providedGauge } from "./_gauges.ts";
import { registerProcessMetrics } from "./_process_metrics.ts";
import { renderRegistry } from "./_render.ts";

/** Current values a remote worker's gauges read at each scrape; an omitted one is not exported. */
export interface WorkerGauges {
  /** Sessions this worker hosts now (`codegen_worker_active_sessions`). */
  activeSessions?: GaugeProvider;
  /** Tasks running on this worker now (`codegen_worker_tasks_in_flight`). */
  tasksInFlight?: GaugeProvider;
}

/** Options of {@link createWorkerMetrics}. */
export interface WorkerMetricsOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** Process start, epoch ms. Default: `performance.timeOrigin`. */
  startTimeMs?: number;
  /** Tool names to label by; others count as "unknown". Default: any name. */
  tools?: readonly string[];
}

/** A remote worker's metrics, in a registry of their own. */
export interface WorkerMetrics extends MetricsSource {
  /** One task finished on this worker. */
  task(tool: string, outcome: TaskOutcomeLabel, durationMs: number): void;
  /** A sandboxed process was killed. */
  sandboxKill(reason: KillReason): void;
  /** The dedicated registry (never prom-client's global one). */
  readonly registry: Registry;
}

/** Builds a remote worker's metrics; gauges read `gauges` when scraped. */
export function createWorkerMetrics(
  gauges: WorkerGauges = {},
  options: WorkerMetricsOptions = {},
): WorkerMetrics {
  const registry = new Registry();
  const recordTask = callMetrics(registry, {
    counter: "codegen_worker_tasks_total",
    counterHelp: "Tasks executed by this worker, by tool and outcome (ok, error, cancelled)",
    histogram: "codegen_worker_task_duration_seconds",
    histogramHelp: "Task duration on this worker in seconds, by tool",
    tools: options.tools,
  });
  const recordKill = killCounter(registry);
  providedGauge(registry, {
    name: "codegen_worker_active_sessions",
    help: "Sessions this worker hosts now",
    provider: gauges.activeSessions,
  });
  providedGauge(registry, {
    name: "codegen_worker_tasks_in_flight",
    help: "Tasks running on this worker now",
    provider: gauges.tasksInFlight,
  });
  registerProcessMetrics(registry, {
    clock: options.clock ?? SYSTEM_CLOCK,
    startTimeMs: options.startTimeMs ?? performance.timeOrigin,
  });
  return {
    registry,
    task: recordTask,
    sandboxKill: recordKill,
    render: () => renderRegistry(registry),
  };
}
