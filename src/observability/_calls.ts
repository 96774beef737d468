import { Counter, Histogram, type Registry } from "prom-client";
import { DURATION_BUCKETS } from "./_metric_types.ts";

/** Names and help of a call counter and its duration histogram. */
export interface CallMetricsSpec {
  counter: string;
  counterHelp: string;
  histogram: string;
  histogramHelp: string;
  /** Known tool names; any other name is counted as "unknown" to bound label values. */
  tools?: readonly string[] | undefined;
}

/** Records one call: counter by tool and outcome, duration histogram by tool. */
export type CallRecorder = (tool: string, outcome: string, durationMs: number) => void;

/** Registers a `{tool,outcome}` counter and a `{tool}` duration histogram. */
export function callMetrics(registry: Registry, spec: CallMetricsSpec): CallRecorder {
  const registers = [registry];
  const calls = new Counter({
    name: spec.counter,
    help: spec.counterHelp,
    labelNames: ["tool", "outcome"] as const,
    registers,
  });
  const duration = new Histogram({
    name: spec.histogram,
    help: spec.histogramHelp,
    labelNames: ["tool"] as const,
    buckets: [...DURATION_BUCKETS],
    registers,
  });
  const known = spec.tools ? new Set(spec.tools) : undefined;
  // labelled children kept per label value: finding one by its labels hashes them on
  // every call (bounded: tools are known names or "unknown", outcomes a few words)
  const counters = new Map<string, ReturnType<typeof calls.labels>>();
  const histograms = new Map<string, ReturnType<typeof duration.labels>>();
  return (tool, outcome, durationMs) => {
    const label = !known || known.has(tool) ? tool : "unknown";
    const key = `${label}\n${outcome}`;
    let counter = counters.get(key);
    if (!counter) counters.set(key, counter = calls.labels({ tool: label, outcome }));
    let histogram = histograms.get(label);
    if (!histogram) histograms.set(label, histogram = duration.labels({ tool: label }));
    counter.inc();
    histogram.observe(Math.max(0, durationMs) / 1000);
  };
}
