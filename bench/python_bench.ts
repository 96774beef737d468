/**
 * `run.python` with `print(1)` end to end through our coordinator (embedded worker, one
 * session), stateless and then stateful, versus spawning `python3 -c 'print(1)'` directly
 * (three ways: through PATH, the interpreter PATH leads to, and the sandbox's interpreter).
 * Reports a figure as unavailable, with the error, when the tool cannot run here.
 * @module
 */
import { measure, type Summary, type Unavailable } from "./_stats.ts";
import { type BenchServer, startCoordinator } from "./_servers.ts";
import { sandboxEnv } from "../src/worker/python/mod.ts";

/** Iterations for {@link runPythonBench}. */
export interface PythonBenchOptions {
  /** Timed runs per case. Default 300. */
  calls?: number;
  /**
   * Untimed runs through the coordinator first (JIT warm-up; the first stateful call also
   * starts the interpreter). Default 200. Bare spawns need no warm-up beyond a few runs.
   */
  warmup?: number;
}

/** What {@link runPythonBench} measured; latencies are what matter here, calls are sequential. */
export interface PythonFigures {
  /** `python3 -c 'print(1)'` spawned from the benchmark process, found on PATH. */
  bareSpawn: Summary | Unavailable;
  /**
   * The same with the interpreter's own path (`sys.executable`), skipping any launcher
   * on PATH (a version manager's shim can add more than the interpreter's start-up).
   */
  bareInterpreter: Summary | Unavailable;
  /** The path used for {@link bareInterpreter}. */
  interpreter: string;
  /**
   * The same with the `python3` the sandbox runs (the first on the sandbox's PATH, seen
   * from the host): the interpreter a run through the coordinator uses.
   */
  bareSandboxInterpreter: Summary | Unavailable;
  /** The path used for {@link bareSandboxInterpreter}. */
  sandboxInterpreter: string;
  /** `run.python` without state: a fresh sandboxed interpreter per call. */
  stateless: Summary | Unavailable;
  /** `run.python` with `stateful: true`: the session's persistent interpreter. */
  stateful: Summary | Unavailable;
}

/** Targets: stateless p50 at most this fraction of the bare spawn's p50. */
export const STATELESS_TARGET_RATIO = 0.5;
/** Targets: stateful p50 at most this many milliseconds. */
export const STATEFUL_TARGET_MS = 2;

/** Runs the three cases one after another on one coordinator session. */
export async function runPythonBench(options: PythonBenchOptions = {}): Promise<PythonFigures> {
  const { calls = 300, warmup = 200 } = options;
  const spawnWarmup = Math.min(warmup, 10);
  const bareSpawn = await attempt(spawnWarmup, calls, () => spawnPython("python3"));
  const interpreter = await realInterpreter();
  const bareInterpreter = await attempt(spawnWarmup, calls, () => spawnPython(interpreter));
  const sandboxInterpreter = await onSandboxPath("python3");
  const bareSandboxInterpreter = await attempt(
    spawnWarmup,
    calls,
    () => spawnPython(sandboxInterpreter),
  );
  await using server = await startCoordinator();
  const stateless = await attempt(warmup, calls, () => runPython(server, false));
  const stateful = await attempt(warmup, calls, () => runPython(server, true));
  return {
    bareSpawn,
    bareInterpreter,
    interpreter,
    bareSandboxInterpreter,
    sandboxInterpreter,
    stateless,
    stateful,
  };
}

async function attempt(
  warmup: number,
  calls: number,
  op: () => Promise<void>,
): Promise<Summary | Unavailable> {
  try {
    await measure(op, { calls: warmup });
    return await measure(op, { calls });
  } catch (err) {
    return { unavailable: err instanceof Error ? err.message : String(err) };
  }
}

async function runPython(server: BenchServer, stateful: boolean): Promise<void> {
  const result = await server.call("run.python", { code: "print(1)", stateful });
  const stdout = (result.structuredContent as { stdout?: string } | undefined)?.stdout;
  if (stdout !== "1\n") throw new Error(`run.python printed ${JSON.stringify(stdout)}, not "1"`);
}

async function spawnPython(command: string): Promise<void> {
  const out = await new Deno.Command(command, {
    args: ["-c", "print(1)"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success || stdout !== "1\n") {
    throw new Error(`python3 printed ${JSON.stringify(stdout)}`);
  }
}

/** `name` in the first directory of the sandbox's PATH that has it, else `name`. */
async function onSandboxPath(name: string): Promise<string> {
  for (const dir of sandboxEnv(false).PATH!.split(":")) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return `${dir}/${name}`;
    } catch {
      // not here
    }
  }
  return name;
}

/** The interpreter `python3` on PATH resolves to, or `python3` when that cannot be told. */
async function realInterpreter(): Promise<string> {
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", "import sys; print(sys.executable)"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout).trim() || "python3";
  } catch {
    return "python3";
  }
}
