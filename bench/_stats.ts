/**
 * Timing helpers shared by the comparisons: run a call N times sequentially or with a
 * fixed number in flight, and reduce the per-call latencies to throughput and percentiles.
 * @module
 */

/** Throughput and latency of one measured run. */
export interface Summary {
  calls: number;
  /** Completed calls per second of wall time. */
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** A figure that could not be measured, with the reason. */
export interface Unavailable {
  unavailable: string;
}

/** How many calls to make and how many to keep in flight. */
export interface LoadOptions {
  /** Calls to time. */
  calls: number;
  /** Calls kept in flight at once. Default 1 (sequential). */
  concurrency?: number;
}

/** Nearest-rank percentile of `samples` (0 < q ≤ 1). */
export function percentile(samples: number[], q: number): number {
  const sorted = samples.toSorted((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/** Raw timings of one run: each call's latency and the run's wall time. */
export interface Sample {
  latencies: number[];
  wallMs: number;
}

/** Runs `call(i)` for i in [0, calls), `concurrency` at a time, and times each call. */
export async function sample(
  call: (i: number) => Promise<void>,
  options: LoadOptions,
): Promise<Sample> {
  const { calls, concurrency = 1 } = options;
  const latencies = new Array<number>(calls);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < calls) {
      const i = next++;
      const start = performance.now();
      await call(i);
      latencies[i] = performance.now() - start;
    }
  }
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, lane));
  return { latencies, wallMs: performance.now() - start };
}

/** {@link sample}, reduced to a {@link Summary}. */
export async function measure(
  call: (i: number) => Promise<void>,
  options: LoadOptions,
): Promise<Summary> {
  return summarize([await sample(call, options)]);
}

/** Reduces one or more runs to a {@link Summary}: all their calls over their total wall time. */
export function summarize(samples: Sample[]): Summary {
  const latencies = samples.flatMap((s) => s.latencies);
  const wallMs = samples.reduce((sum, s) => sum + s.wallMs, 0);
  return {
    calls: latencies.length,
    callsPerSecond: latencies.length / (wallMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** Whether a figure was measured. */
export function isSummary(x: Summary | Unavailable): x is Summary {
  return !("unavailable" in x);
}
