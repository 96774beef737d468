import { type Limits, LimitsSchema } from "../../config/mod.ts";
import type { TaskEvent } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { bubblewrapAvailable } from "../sandbox/mod.ts";

/** Limits small enough for hostile-code tests to finish quickly. */
export function testLimits(overrides: Partial<Limits> = {}): Limits {
  return LimitsSchema.parse({
    outputLimitBytes: 64 * 1024,
    maxProcesses: 32,
    memoryBytes: 512 * 1024 * 1024,
    maxWriteFileBytes: 1024 * 1024,
    cpuSeconds: 20,
    runTimeoutDefaultSeconds: 20,
    runTimeoutMaxSeconds: 60,
    ...overrides,
  });
}

/** A temporary worker root with session directories laid out as the worker does. */
export class TestRoot {
  readonly root: string;
  events: TaskEvent[] = [];

  private constructor(root: string) {
    this.root = root;
  }

  static async create(): Promise<TestRoot> {
    return new TestRoot(await Deno.realPath(await Deno.makeTempDir({ prefix: "codegen-py-" })));
  }

  /** A task context for `sessionId`, creating its directories. */
  async ctx(
    sessionId: string,
    options: { limits?: Limits; signal?: AbortSignal } = {},
  ): Promise<TaskContext> {
    const workspace = `${this.root}/sessions/${sessionId}`;
    const stateDir = `${this.root}/state/${sessionId}`;
    await Deno.mkdir(workspace, { recursive: true, mode: 0o755 });
    await Deno.mkdir(stateDir, { recursive: true, mode: 0o700 });
    return {
      sessionId,
      workspace,
      stateDir,
      limits: options.limits ?? testLimits(),
      signal: options.signal ?? new AbortController().signal,
      emit: (event) => this.events.push(event),
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.root, { recursive: true });
  }
}

/** `ignore` for tests that need bubblewrap: skip without it, unless CI=true (then fail). */
export async function withoutBubblewrap(): Promise<boolean> {
  if (await bubblewrapAvailable()) return false;
  if (Deno.env.get("CI") === "true") return false;
  const note = "bubblewrap is not usable here: skipping sandbox tests (they fail under CI=true)\n";
  Deno.stderr.writeSync(new TextEncoder().encode(note));
  return true;
}

/** Host pids of processes whose name (`/proc/<pid>/comm`) is `name`. */
export async function pidsNamed(name: string): Promise<number[]> {
  // Deno reads /proc only with every permission; a short python scan needs just --allow-run
  const scan = "import os, sys\n" +
    "for p in filter(str.isdigit, os.listdir('/proc')):\n" +
    "  try:\n" +
    "    if open(f'/proc/{p}/comm').read().strip() == sys.argv[1]: print(p)\n" +
    "  except OSError: pass\n";
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", scan, name],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  return text === "" ? [] : text.split("\n").map(Number);
}
