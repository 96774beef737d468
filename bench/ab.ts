/**
 * `deno task bench:ab`: the working tree against another revision (default HEAD), both
 * coordinators running at once and the calls alternating between them in rounds, so a
 * change is judged against its baseline under the same machine load — on a small or shared
 * machine the load drifts more between two runs than most changes move the figures.
 *
 *   deno task bench:ab [--base=REV] [--case=echo|fs.read|fs.write|stateful|stateful-files|stateless]
 *                      [--rounds=10] [--calls=100] [--warmup=200] [--concurrency=1] [--remote]
 *
 * `--remote` runs each build as a coordinator with no embedded worker plus one worker
 * process over gRPC (server CPU then counts both processes).
 * @module
 */
import { checkout } from "./_checkout.ts";
import { print, table } from "./_print.ts";
import { type BenchServer, startCoordinator } from "./_servers.ts";
import { startRemoteCoordinator } from "./_remote.ts";
import { percentile, sample } from "./_stats.ts";

interface Case {
  tool: string;
  args: Record<string, unknown>;
  setup?: (server: BenchServer) => Promise<unknown>;
}

const CASES: Record<string, Case> = {
  echo: { tool: "echo", args: { message: "hello from the benchmark" } },
  "fs.read": {
    tool: "fs.read",
    args: { path: "small.txt" },
    setup: (s) => s.call("fs.write", { path: "small.txt", contents: "x".repeat(1024) }),
  },
  "fs.write": { tool: "fs.write", args: { path: "small.txt", contents: "y".repeat(1024) } },
  stateful: { tool: "run.python", args: { code: "print(1)", stateful: true } },
  // the same in a workspace of 500 files, which each run walks for its artifacts
  "stateful-files": {
    tool: "run.python",
    args: { code: "print(1)", stateful: true },
    setup: (s) =>
      s.call("run.python", {
        code: "import os\nos.makedirs('d', exist_ok=True)\n" +
          "for i in range(500): open(f'd/f{i}.txt', 'w').write('x')",
      }),
  },
  stateless: { tool: "run.python", args: { code: "print(1)" } },
};

function flag(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return Deno.args.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

function count(name: string, fallback: number): number {
  const value = Number(flag(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return value;
}

const caseName = flag("case", "stateful");
const benchCase = CASES[caseName];
if (!benchCase) throw new Error(`--case must be one of ${Object.keys(CASES).join(", ")}`);
const base = flag("base", "HEAD");
const rounds = count("rounds", 10);
const calls = count("calls", 100);
const warmup = count("warmup", 200);
// calls in flight at once; above 1 the figure that matters is calls/s, not latency
const concurrency = count("concurrency", 1);

await using baseline = await checkout(base);
const remote = Deno.args.includes("--remote");
const start = remote ? startRemoteCoordinator : startCoordinator;
await using before = await start({ projectDir: baseline.dir });
await using after = await start();
// per build: each call's latency, and the server CPU and wall time of the timed rounds
const tally = (name: string, server: BenchServer) => ({
  name,
  server,
  ms: [] as number[],
  cpu: 0,
  wallMs: 0,
});
const builds = [
  tally(`${base} (${baseline.commit.slice(0, 10)})`, before),
  tally("working tree", after),
];
const callsPerSecond = (b: { ms: number[]; wallMs: number }) => (b.ms.length / b.wallMs) * 1000;
const call = (server: BenchServer) => server.call(benchCase.tool, benchCase.args);
for (const build of builds) {
  await benchCase.setup?.(build.server);
  for (let i = 0; i < warmup; i++) await call(build.server);
}
for (let round = 0; round < rounds; round++) {
  // each round starts with the other build, so neither always follows the other
  const order = round % 2 === 0 ? builds : builds.toReversed();
  for (const build of order) {
    const cpuBefore = (await build.server.cpuMs()) ?? 0;
    const timed = await sample(async () => void await call(build.server), { calls, concurrency });
    build.ms.push(...timed.latencies);
    build.wallMs += timed.wallMs;
    build.cpu += ((await build.server.cpuMs()) ?? 0) - cpuBefore;
  }
}

const how = concurrency === 1 ? "sequential calls" : `calls, ${concurrency} in flight,`;
print(
  `${caseName} (${benchCase.tool}${
    remote ? " via a gRPC worker" : ""
  }): ${rounds} rounds of ${calls} ${how} per build, ` +
    `alternating, after ${warmup} warm-up calls each`,
);
print(table(
  ["build", "p50", "p90", "calls/s", "server CPU/call"],
  builds.map((b) => [
    b.name,
    `${percentile(b.ms, 0.5).toFixed(3)} ms`,
    `${percentile(b.ms, 0.9).toFixed(3)} ms`,
    callsPerSecond(b).toFixed(0),
    `${((b.cpu / b.ms.length) * 1000).toFixed(0)} µs`,
  ]),
));
const [old, now] = builds.map((b) => percentile(b.ms, 0.5));
const [oldRate, nowRate] = builds.map(callsPerSecond);
print(
  `working tree / base: p50 ${(now! / old!).toFixed(2)}×, calls/s ${
    (nowRate! / oldRate!).toFixed(2)
  }×`,
);
