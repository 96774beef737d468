import { Gauge, type Registry } from "prom-client";
import type { Clock } from "../core/mod.ts";

/** Options of {@link registerProcessMetrics}. */
export interface ProcessMetricsOptions {
  clock: Clock;
  /** When the process started, in epoch milliseconds. */
  startTimeMs: number;
}

/**
 * Process metrics from `Deno.memoryUsage()` and the clock. prom-client's
 * `collectDefaultMetrics` reads `/proc/self/*`, which Deno allows only with every
 * permission, so these replace it.
 */
export function registerProcessMetrics(registry: Registry, options: ProcessMetricsOptions): void {
  const { clock, startTimeMs } = options;
  const registers = [registry];
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes",
    registers,
    collect() {
      this.set(Deno.memoryUsage().rss);
    },
  });
  new Gauge({
    name: "process_heap_bytes",
    help: "JavaScript heap size in bytes (V8 heap total)",
    registers,
    collect() {
      this.set(Deno.memoryUsage().heapTotal);
    },
  });
  new Gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since the Unix epoch in seconds",
    registers,
    collect() {
      this.set(startTimeMs / 1000);
    },
  });
  new Gauge({
    name: "process_uptime_seconds",
    help: "Seconds since the process started",
    registers,
    collect() {
      this.set(Math.max(0, clock.now() - startTimeMs) / 1000);
    },
  });
}
