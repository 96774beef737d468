import { Counter, Registry } from "prom-client";
import { type Clock, SYSTEM_CLOCK } from "../core/mod.ts";
import type { GaugeProvider, KillReason, MetricsSource, ToolOutcome } from "./_metric_types.ts";
import { callMetrics } from "./_calls.ts";
import { killCounter } from "./_kills.ts";
import { providedGauge } from "./_gauges.ts";
import { registerProcessMetrics } from "./_process_metrics.ts";
import { renderRegistry } from "./_render.ts";

/** Current values the coordinator's gauges read at each scrape; an omitted one is not exported. */
export interface CoordinatorGauges {
  /** Sessions open now (`codegen_active_sessions`). */
  activeSessions?: GaugeProvider;
  /** Workers known to the registry, embedded ones included (`codegen_workers_registered`). */
  workersRegistered?: GaugeProvider;
  /** Workers that heartbeat in time and accept work (`codegen_workers_healthy`). */
  workersHealthy?: GaugeProvider;
  /** Tasks sent to workers and not finished yet (`codegen_tasks_in_flight`). */
  tasksInFlight?: GaugeProvider;
}

/** Options of {@link createCoordinatorMetrics}. */
export interface CoordinatorMetricsOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** Process start, epoch ms. Default: `performance.timeOrigin`. */
  startTimeMs?: number;
  /** Tool names to label by; others count as "unknown". Default: any name. */
  tools?: readonly string[];
}

/** The coordinator's metrics, in a registry of their own. */
export interface CoordinatorMetrics extends MetricsSource {
  /** One MCP tool call finished (the `McpDeps.onToolCall` hook). */
  toolCall(tool: string, outcome: ToolOutcome, durationMs: number): void;
  /** The embedded worker killed a sandboxed process. */
  sandboxKill(reason: KillReason): void;
  /** One record was appended to the audit log. */
  auditRecord(): void;
  /** The dedicated registry (never prom-client's global one). */
  readonly registry: Registry;
}

/** Builds the coordinator's metrics; gauges read `gauges` when scraped. */
export function createCoordinatorMetrics(
  gauges: CoordinatorGauges = {},
  options: CoordinatorMetricsOptions = {},
): CoordinatorMetrics {
  const registry = new Registry();
  const recordCall = callMetrics(registry, {
    counter: "codegen_tool_calls_total",
    counterHelp: "MCP tool calls, by tool and outcome (ok, error, denied)",
    histogram: "codegen_tool_duration_seconds",
    histogramHelp: "MCP tool call duration in seconds, by tool",
    tools: options.tools,
  });
  const recordKill = killCounter(registry);
  const audits = new Counter({
    name: "codegen_audit_records_total",
    help: "Records appended to the audit log",
    registers: [registry],
  });
  providedGauge(registry, {
    name: "codegen_active_sessions",
    help: "Sessions open now",
    provider: gauges.activeSessions,
  });
  providedGauge(registry, {
    name: "codegen_workers_registered",
    help: "Workers registered, embedded ones included",
    provider: gauges.workersRegistered,
  });
  providedGauge(registry, {
    name: "codegen_workers_healthy",
    help: "Registered workers that are healthy and accept work",
    provider: gauges.workersHealthy,
  });
  providedGauge(registry, {
    name: "codegen_tasks_in_flight",
    help: "Tasks sent to workers and not finished yet",
    provider: gauges.tasksInFlight,
  });
  registerProcessMetrics(registry, {
    clock: options.clock ?? SYSTEM_CLOCK,
    startTimeMs: options.startTimeMs ?? performance.timeOrigin,
  });
  return {
    registry,
    toolCall: recordCall,
    sandboxKill: recordKill,
    auditRecord: () => audits.inc(),
    render: () => renderRegistry(registry),
  };
}
