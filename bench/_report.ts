/**
 * Renders the figures of one run as the tables the benchmark prints.
 * @module
 */
import type { Comparison } from "./_compare.ts";
import type { RegistryBenchResult } from "./registry_bench.ts";
import { type PythonFigures, STATEFUL_TARGET_MS, STATELESS_TARGET_RATIO } from "./python_bench.ts";
import { isSummary, type Summary, type Unavailable } from "./_stats.ts";
import { ms, table, times } from "./_print.ts";

/** Throughput and latency of both servers per mode, with ratio ours/reference. */
export function comparisonTable(comparisons: Comparison[]): string {
  const rows = comparisons.flatMap((c) =>
    c.modes.map((m) => [
      `${c.ours} vs ${c.reference}`,
      m.mode,
      m.ours.callsPerSecond.toFixed(0),
      m.reference.callsPerSecond.toFixed(0),
      times(m.ratio),
      `≥ ${times(c.target)} ${m.ratio >= c.target ? "met" : "MISSED"}`,
      ms(m.ours.p50Ms),
      ms(m.reference.p50Ms),
      ms(m.ours.p99Ms),
      ms(m.reference.p99Ms),
      us(m.oursCpuUs),
      us(m.referenceCpuUs),
    ])
  );
  return table([
    "ours vs reference",
    "mode",
    "ours calls/s",
    "ref calls/s",
    "ratio",
    "target",
    "ours p50",
    "ref p50",
    "ours p99",
    "ref p99",
    "ours CPU/call",
    "ref CPU/call",
  ], rows);
}

/** Worker placement figures. */
export function registryTable(r: RegistryBenchResult): string {
  return table(["registry (" + `${r.workers} workers, ${r.sessions} sessions)`, "value"], [
    ["reserve p50", `${r.selectP50Ms.toFixed(4)} ms`],
    ["reserve p99 (target < 1 ms)", `${r.selectP99Ms.toFixed(4)} ms`],
    ["heartbeat p99", `${r.heartbeatP99Ms.toFixed(4)} ms`],
    ["rss after run", `${r.rssMiB.toFixed(1)} MiB`],
  ]);
}

/**
 * Python latency per case against the bare spawns; the stateless target is judged
 * against the fastest of them.
 */
export function pythonTable(p: PythonFigures): string {
  const bare = [p.bareSpawn, p.bareInterpreter, p.bareSandboxInterpreter].filter(isSummary);
  const fastest = Math.min(...bare.map((s) => s.p50Ms));
  const vs = (s: Summary) => fastest === Infinity ? "n/a" : times(s.p50Ms / fastest);
  const row = (name: string, s: Summary | Unavailable, target: (s: Summary) => string) =>
    isSummary(s)
      ? [name, ms(s.p50Ms), ms(s.p99Ms), vs(s), target(s)]
      : [name, `n/a (not available: ${oneLine(s.unavailable)})`, "", "", ""];
  const stateless = (s: Summary) => {
    const goal = `p50 ≤ ${times(STATELESS_TARGET_RATIO)} bare`;
    if (fastest === Infinity) return goal;
    return `${goal} ${s.p50Ms / fastest <= STATELESS_TARGET_RATIO ? "met" : "MISSED"}`;
  };
  const stateful = (s: Summary) =>
    `p50 ≤ ${ms(STATEFUL_TARGET_MS)} ${s.p50Ms <= STATEFUL_TARGET_MS ? "met" : "MISSED"}`;
  const rows = table(["print(1), sequential", "p50", "p99", "vs fastest bare", "target"], [
    row("python3 -c (PATH), spawned", p.bareSpawn, () => ""),
    row(`${p.interpreter} -c, spawned`, p.bareInterpreter, () => ""),
    row(`${p.sandboxInterpreter} -c, spawned`, p.bareSandboxInterpreter, () => ""),
    row("run.python, stateless", p.stateless, stateless),
    row("run.python, stateful", p.stateful, stateful),
  ]);
  return `${rows}\nratios against the fastest bare spawn; the sandbox runs ${p.sandboxInterpreter}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

function us(value: number | undefined): string {
  return value === undefined ? "n/a" : `${value.toFixed(0)} µs`;
}
