/**
 * `deno task bench`: our coordinator side by side with the reference MCP servers over
 * stdio (echo, small-file read and write), the worker registry, and Python end to end.
 * Prints tables with ratios and writes the figures to `bench/results/latest.json`.
 *
 * `--calls=N` shortens the server comparisons (default 3,000) for a quick look.
 * @module
 */
import { runEchoBench } from "./echo_bench.ts";
import { runFsBench } from "./fs_bench.ts";
import { runRemoteFsBench } from "./fs_remote_bench.ts";
import { runPythonBench } from "./python_bench.ts";
import { runRegistryBench } from "./registry_bench.ts";
import { ensureReferenceServers, REFERENCE_PACKAGES } from "./_reference.ts";
import { machineInfo } from "./_machine.ts";
import { print } from "./_print.ts";
import { comparisonTable, pythonTable, registryTable } from "./_report.ts";

const RESULTS = new URL("./results/latest.json", import.meta.url).pathname;

const calls = Number(Deno.args.find((a) => a.startsWith("--calls="))?.slice(8) ?? 3_000);
const load = { calls, warmup: 200, concurrency: 16, rounds: 4 };
const started = performance.now();

const machine = await machineInfo();
print(`codegen-mcp bench, ${new Date().toISOString()}`);
print(
  `${machine.cores} cores (${machine.cpu}), ${machine.os}; deno ${machine.deno} (v8 ${machine.v8}), ` +
    `node ${machine.node}, ${machine.python}`,
);
const pinned = Object.values(REFERENCE_PACKAGES).map((p) => `${p.name}@${p.version}`);
print(`reference servers (node, stdio): ${pinned.join(", ")}`);
await ensureReferenceServers();
print(
  `each server: ${load.warmup} warm-up calls, then ${load.calls} calls sequential and ` +
    `${load.calls} with ${load.concurrency} in flight, in ${load.rounds} rounds alternating ` +
    "between the two servers; same MCP SDK client over stdio",
);
print();

const echo = await runEchoBench(load);
const fs = await runFsBench(load);
const remote = await runRemoteFsBench(load);
print(comparisonTable([echo, ...fs, remote]));
print(
  "ratio = ours/reference throughput (higher is better); CPU/call = server process CPU " +
    "time over the timed calls (less sensitive to other load on the machine than wall time)",
);
print();

const registry = await runRegistryBench();
print(registryTable(registry));
print();

const python = await runPythonBench({ calls: 300, warmup: 200 });
print(pythonTable(python));
print();

const seconds = (performance.now() - started) / 1000;
await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
await Deno.writeTextFile(
  RESULTS,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      seconds,
      machine,
      references: pinned,
      load,
      echo,
      fs,
      remote,
      registry,
      python,
    },
    null,
    2,
  ) + "\n",
);
print(`done in ${seconds.toFixed(0)} s; figures written to bench/results/latest.json`);
