/**
 * Worker registry benchmark: 1,000 registered workers, a few heartbeat rounds, then
 * 10,000 session placements, each `reserve` call timed on its own.
 *
 * Run: `deno run -P=bench bench/registry_bench.ts`
 * @module
 */
import { WorkerRegistry } from "../src/registry/mod.ts";

/** What {@link runRegistryBench} measured. */
export interface RegistryBenchResult {
  /** Median latency of one `reserve` call. */
  selectP50Ms: number;
  /** 99th-percentile latency of one `reserve` call (target: under 1 ms). */
  selectP99Ms: number;
  /** 99th-percentile latency of one `heartbeat` call. */
  heartbeatP99Ms: number;
  /** Resident set size after the run. */
  rssMiB: number;
  workers: number;
  sessions: number;
}

/** Sizes for {@link runRegistryBench}; the defaults are the reported scenario. */
export interface RegistryBenchOptions {
  /** Workers to register. Default 1,000. */
  workers?: number;
  /** Slots per worker. Default 20. */
  maxSessions?: number;
  /** Sessions to place. Default 10,000. */
  sessions?: number;
  /** Heartbeat rounds over every worker. Default 3. */
  heartbeatRounds?: number;
}

/** Runs the scenario in this process and returns latency percentiles and memory. */
export async function runRegistryBench(
  options: RegistryBenchOptions = {},
): Promise<RegistryBenchResult> {
  const { workers = 1_000, maxSessions = 20, sessions = 10_000, heartbeatRounds = 3 } = options;
  // A small throwaway run first so the timed one measures compiled code, not the JIT warming up.
  scenario(Math.min(workers, 50), maxSessions, Math.min(sessions, 500), 1);
  // Yield once so anything the warm-up left queued runs before the timed part starts.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const measured = scenario(workers, maxSessions, sessions, heartbeatRounds);
  return {
    selectP50Ms: percentile(measured.select, 0.5),
    selectP99Ms: percentile(measured.select, 0.99),
    heartbeatP99Ms: percentile(measured.heartbeat, 0.99),
    rssMiB: Deno.memoryUsage().rss / (1024 * 1024),
    workers,
    sessions,
  };
}

function scenario(workers: number, maxSessions: number, sessions: number, rounds: number) {
  // Long timeout: this measures placement, not expiry.
  const registry = new WorkerRegistry({ heartbeatTimeoutMs: 3_600_000 });
  const registrations: string[] = [];
  for (let i = 0; i < workers; i++) {
    const res = registry.register({
      workerId: `worker-${i}`,
      tokenFingerprint: `fingerprint-${i}`,
      address: `10.0.${i >> 8}.${i & 255}:50051`,
      capabilities: { tools: ["run.python", "fs.read"], languages: ["python"], maxSessions },
      version: "bench",
    });
    if (!res.accepted) throw new Error(`registration refused: ${res.reason}`);
    registrations.push(res.registrationId);
  }
  const heartbeat: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < workers; i++) {
      const start = performance.now();
      registry.heartbeat({
        workerId: `worker-${i}`,
        registrationId: registrations[i]!,
        state: "ready",
        activeSessions: round,
        activeTasks: 0,
      });
      heartbeat.push(performance.now() - start);
    }
  }
  const select: number[] = [];
  for (let i = 0; i < sessions; i++) {
    const start = performance.now();
    const res = registry.reserve(`session-${i}`);
    select.push(performance.now() - start);
    if (!res.ok) throw new Error(`placement refused: ${res.reason}`);
  }
  return { select, heartbeat };
}

/** Nearest-rank percentile of `samples` (0 < q ≤ 1). */
function percentile(samples: number[], q: number): number {
  const sorted = samples.toSorted((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

// deno-lint-ignore no-console
const print = console.log;

if (import.meta.main) {
  const r = await runRegistryBench();
  print("registry bench: %d workers, %d sessions", r.workers, r.sessions);
  print("| metric             | value    |");
  print("|--------------------|----------|");
  print(`| reserve p50        | ${r.selectP50Ms.toFixed(4)} ms |`);
  print(`| reserve p99        | ${r.selectP99Ms.toFixed(4)} ms |`);
  print(`| heartbeat p99      | ${r.heartbeatP99Ms.toFixed(4)} ms |`);
  print(`| rss                | ${r.rssMiB.toFixed(1)} MiB |`);
}
