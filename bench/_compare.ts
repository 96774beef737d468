/**
 * The shape shared by the server-versus-server comparisons: one operation, measured on
 * our server and on a reference server, sequentially and with several calls in flight.
 * @module
 */
import { type Sample, sample, summarize, type Summary } from "./_stats.ts";
import type { BenchServer } from "./_servers.ts";

/** Calls, warm-up and concurrency for one comparison. */
export interface CompareOptions {
  /** Timed calls per mode and server. Default 3,000. */
  calls?: number;
  /** Untimed calls first, so both servers are past JIT warm-up. Default 200. */
  warmup?: number;
  /** Calls in flight in the concurrent mode. Default 16. */
  concurrency?: number;
  /**
   * The timed calls are split into this many rounds that alternate between the servers,
   * so load from elsewhere on the machine falls on both alike. Default 4.
   */
  rounds?: number;
}

/** One operation measured on both servers in both modes. */
export interface Comparison {
  /** What was compared, e.g. `echo` or `read 1 KiB`. */
  name: string;
  /** Our tool and the reference tool it is compared with. */
  ours: string;
  reference: string;
  /** Minimum throughput ratio ours/reference the project aims for. */
  target: number;
  modes: ComparisonMode[];
}

/** One load mode of a {@link Comparison}. */
export interface ComparisonMode {
  /** `sequential` or `N in flight`. */
  mode: string;
  ours: Summary;
  reference: Summary;
  /** Throughput ratio ours/reference. */
  ratio: number;
  /** Server process CPU time per timed call, in microseconds (undefined when unknown). */
  oursCpuUs: number | undefined;
  referenceCpuUs: number | undefined;
}

/** A call against one server; `i` is the call's index. */
export type Operation = (server: BenchServer, i: number) => Promise<void>;

/** A server and the operation to time on it. */
export interface Contender {
  server: BenchServer;
  op: Operation;
}

/** The defaults from {@link CompareOptions}, filled in. */
export function loadOf(options: CompareOptions): Required<CompareOptions> {
  return { calls: 3_000, warmup: 200, concurrency: 16, rounds: 4, ...options };
}

/**
 * Warms both servers up, then times each mode in alternating rounds (ours first in even
 * rounds, the reference first in odd ones) and pairs the merged figures.
 */
export async function compareOn(
  ours: Contender,
  reference: Contender,
  options: CompareOptions = {},
): Promise<ComparisonMode[]> {
  const { calls, warmup, concurrency, rounds } = loadOf(options);
  for (const c of [ours, reference]) {
    await sample((i) => c.op(c.server, i), { calls: warmup, concurrency });
  }
  const modes: ComparisonMode[] = [];
  for (
    const [name, lanes] of [["sequential", 1], [`${concurrency} in flight`, concurrency]] as const
  ) {
    const samples = { ours: [] as Sample[], reference: [] as Sample[] };
    const cpu = { ours: 0 as number | undefined, reference: 0 as number | undefined };
    for (let round = 0; round < rounds; round++) {
      const first = round * Math.floor(calls / rounds);
      const size = round === rounds - 1 ? calls - first : Math.floor(calls / rounds);
      const order = round % 2 === 0
        ? ["ours", "reference"] as const
        : ["reference", "ours"] as const;
      for (const side of order) {
        const c = side === "ours" ? ours : reference;
        const before = await c.server.cpuMs();
        samples[side].push(
          await sample((i) => c.op(c.server, first + i), { calls: size, concurrency: lanes }),
        );
        const after = await c.server.cpuMs();
        const used = before === undefined || after === undefined ? undefined : after - before;
        cpu[side] = used === undefined || cpu[side] === undefined ? undefined : cpu[side] + used;
      }
    }
    const o = summarize(samples.ours);
    const r = summarize(samples.reference);
    const perCall = (ms: number | undefined) => ms === undefined ? undefined : (ms * 1000) / calls;
    modes.push({
      mode: name,
      ours: o,
      reference: r,
      ratio: o.callsPerSecond / r.callsPerSecond,
      oursCpuUs: perCall(cpu.ours),
      referenceCpuUs: perCall(cpu.reference),
    });
  }
  return modes;
}
