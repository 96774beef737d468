import { type Limits, LimitsSchema } from "../../config/mod.ts";
import assert from "node:assert/strict";
import type { TaskEvent, TaskOutcome, TaskResultOf } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import type { SandboxRunner } from "../sandbox/runner.ts";
import { SandboxedPythonRuntime } from "./mod.ts";

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

/** What {@link withPythonSession} hands a test. */
export interface PythonSession {
  rt: SandboxedPythonRuntime;
  /** Session "s1" of `rt`. */
  ctx: TaskContext;
  root: TestRoot;
}

/**
 * Runs `fn` with a fresh worker root, a sandboxed Python runtime over it and its session
 * "s1", all with `limits` (default {@link testLimits}); releases the runtime and the root.
 */
export async function withPythonSession<T>(
  fn: (session: PythonSession) => Promise<T>,
  options: { limits?: Limits } = {},
): Promise<T> {
  await using root = await TestRoot.create();
  const limits = options.limits ?? testLimits();
  const rt = new SandboxedPythonRuntime({
    workspaceRoot: root.root,
    limits,
    insecureNoSandbox: false,
  });
  try {
    return await fn({ rt, ctx: await root.ctx("s1", { limits }), root });
  } finally {
    await rt.close();
  }
}

/** A sandbox runner that counts the processes asked of it and starts none. */
export function refusingRunner(): SandboxRunner & { readonly started: number } {
  let started = 0;
  return {
    kind: "bubblewrap",
    get started() {
      return started;
    },
    run() {
      started++;
      return Promise.reject(new Error("no process may start"));
    },
  };
}

export { failingLauncher, pidsNamed, withoutBubblewrap } from "../sandbox/testing.ts";

/** A run.python outcome's result; fails the test, showing the outcome, when the run failed. */
export function result(outcome: TaskOutcome<"run.python">): TaskResultOf<"run.python"> {
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.result;
}
