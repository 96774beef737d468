/**
 * Session fixtures for the Python tools: real workspace and state directories under a
 * temp root laid out as the worker lays them out, a task context per session that records
 * its events, and the real sandbox runner. Also decides whether sandboxed tests can run.
 * @module
 */
import { LimitsSchema } from "../../src/config/mod.ts";
import { CodegenError } from "../../src/core/mod.ts";
import type { TaskEvent, TaskOutcome } from "../../src/rpc/mod.ts";
import type { TaskContext } from "../../src/worker/context.ts";
import { bubblewrapAvailable } from "../../src/worker/sandbox/mod.ts";

/** One session: its context and what it emitted. */
export interface PythonSession {
  ctx: TaskContext;
  events: TaskEvent[];
  /** Aborts the session's current task. */
  cancel(): void;
}

/** A temp root holding any number of sessions; dispose it with `await using`. */
export interface PythonSessions extends AsyncDisposable {
  root: string;
  session(id: string): Promise<PythonSession>;
}

/** Creates the root. Sessions are created on demand. */
export async function createPythonSessions(): Promise<PythonSessions> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "codegen-py-" }));
  return {
    root,
    async session(id) {
      const workspace = `${root}/sessions/${id}`;
      const stateDir = `${root}/state/${id}`;
      await Deno.mkdir(workspace, { recursive: true });
      await Deno.mkdir(stateDir, { recursive: true, mode: 0o700 });
      const events: TaskEvent[] = [];
      const controller = new AbortController();
      const ctx: TaskContext = {
        sessionId: id,
        workspace,
        stateDir,
        limits: LimitsSchema.parse({}),
        signal: controller.signal,
        emit: (event) => events.push(event),
      };
      return { ctx, events, cancel: () => controller.abort() };
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

/**
 * Why sandboxed Python tests cannot run here (bubblewrap cannot sandbox, or the system
 * python3 lacks pytest when `pytest` is needed), or undefined when they can. Always
 * undefined under CI=true, where a missing prerequisite must fail the run instead.
 */
export async function skipReason(needs: { pytest?: boolean } = {}): Promise<string | undefined> {
  if (Deno.env.get("CI") === "true") return undefined;
  if (!(await bubblewrapAvailable())) return "bubblewrap cannot sandbox here";
  if (needs.pytest && !(await systemHasPytest())) return "the system python3 has no pytest";
  return undefined;
}

/**
 * Registers one ignored test that says why a file's sandboxed tests are skipped, and
 * returns the `ignore` flag for them.
 */
export function ignoreUnless(what: string, reason: string | undefined): boolean {
  if (reason === undefined) return false;
  Deno.test({ name: `${what} tests are skipped: ${reason}`, ignore: true, fn() {} });
  return true;
}

// The sandbox sees the host's /usr, with this PATH.
async function systemHasPytest(): Promise<boolean> {
  try {
    const { code } = await new Deno.Command("python3", {
      args: ["-c", "import pytest"],
      clearEnv: true,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin" },
      stdout: "null",
      stderr: "null",
    }).output();
    return code === 0;
  } catch {
    return false;
  }
}

/** Calls a tool function the way the executor does: a thrown error becomes an outcome. */
export async function callTool<T>(fn: () => Promise<T>): Promise<T | TaskOutcome> {
  try {
    return await fn();
  } catch (err) {
    const e = CodegenError.from(err);
    return { ok: false, error: { code: e.code, message: e.message, retriable: e.retriable } };
  }
}
