/**
 * The shape shared by the server-versus-server comparisons: one operation, measured on
 * our server and on a reference server, sequentially and with several calls in flight.
 * @module
 */
import { measure, type Summary } from "./_stats.ts";
import type { BenchServer } from "./_servers.ts";

/** Calls, warm-up and concurrency for one comparison. */
export interface CompareOptions {
  /** Timed calls per mode. Default 3,000. */
  calls?: number;
  /** Untimed calls first, so both servers are past JIT warm-up. Default 200. */
  warmup?: number;
  /** Calls in flight in the concurrent mode. Default 16. */
  concurrency?: number;
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
}

/** A call against one server; `i` is the call's index. */
export type Operation = (server: BenchServer, i: number) => Promise<void>;

/** The defaults from {@link CompareOptions}, filled in. */
export function loadOf(options: CompareOptions): Required<CompareOptions> {
  return { calls: 3_000, warmup: 200, concurrency: 16, ...options };
}

/** Warms one server up on `op`, then times it sequentially and with calls in flight. */
export async function measureServer(
  server: BenchServer,
  op: Operation,
  options: CompareOptions = {},
): Promise<{ sequential: Summary; concurrent: Summary }> {
  const { calls, warmup, concurrency } = loadOf(options);
  await measure((i) => op(server, i), { calls: warmup, concurrency });
  const sequential = await measure((i) => op(server, i), { calls });
  const concurrent = await measure((i) => op(server, i), { calls, concurrency });
  return { sequential, concurrent };
}

/** Pairs the figures of both servers into the modes of a {@link Comparison}. */
export function pairModes(
  ours: { sequential: Summary; concurrent: Summary },
  reference: { sequential: Summary; concurrent: Summary },
  concurrency: number,
): ComparisonMode[] {
  const mode = (name: string, o: Summary, r: Summary): ComparisonMode => ({
    mode: name,
    ours: o,
    reference: r,
    ratio: o.callsPerSecond / r.callsPerSecond,
  });
  return [
    mode("sequential", ours.sequential, reference.sequential),
    mode(`${concurrency} in flight`, ours.concurrent, reference.concurrent),
  ];
}
