import { getLogger } from "../../core/mod.ts";
import type { PkgInstallResult, TaskOutcome, TaskTypes } from "../../rpc/mod.ts";
import { stoppedOutcome } from "../cancelled.ts";
import type { TaskContext } from "../context.ts";
import type { SandboxResult, SandboxRunner, SandboxSpec } from "../sandbox/runner.ts";
import { OutputCollector } from "./output_collector.ts";
import { checkIndexUrl, DEFAULT_INDEX_URL } from "./index_url.ts";
import {
  createVenvArgv,
  listInstalledArgv,
  parseInstalled,
  pipInstallArgv,
} from "./pip_command.ts";
import { parseRequirements, type Requirement } from "./requirements.ts";
import { sandboxEnv } from "./env.ts";
import { sandboxLimits } from "./launch.ts";
import { makeSandboxDir } from "./sandbox_dir.ts";
import { sessionVenvDir, venvExists, venvMount } from "./venv.ts";

const log = getLogger("worker", "pip");

/** What pkg.install needs besides its arguments. */
export interface PkgInstallDeps {
  runner: SandboxRunner;
  /** Default index when the call gives none; the only one that may be on loopback. */
  pipIndexUrl?: string | undefined;
  /**
   * Let pip build source distributions (their build code then runs with network).
   * Default false: wheels only.
   */
  allowSourceBuilds?: boolean | undefined;
  /** Called after the session's environment changed (warm interpreters must restart). */
  onEnvironmentChanged?: (sessionId: string) => void | Promise<void>;
}

// One install at a time per venv: two concurrent first installs would both create it.
const venvLocks = new Map<string, Promise<unknown>>();

/**
 * Installs packages into the session's virtual environment, creating it on first use.
 * Arguments are validated before any process starts; only the pip process gets network.
 */
export async function pkgInstall(
  ctx: TaskContext,
  args: TaskTypes["pkg.install"]["args"],
  deps: PkgInstallDeps,
): Promise<TaskOutcome<"pkg.install">> {
  const requirements = parseRequirements(args.packages);
  const fromCaller = args.index_url !== undefined;
  const indexUrl = checkIndexUrl(args.index_url ?? deps.pipIndexUrl ?? DEFAULT_INDEX_URL, {
    fromCaller,
  });
  const argv = pipInstallArgv(requirements, {
    indexUrl,
    operatorIndex: !fromCaller && deps.pipIndexUrl !== undefined,
    upgrade: args.upgrade,
    noDeps: args.no_deps,
    allowSourceBuilds: deps.allowSourceBuilds,
  });
  return await withVenvLock(sessionVenvDir(ctx), () => install(ctx, deps, { argv, requirements }));
}

async function withVenvLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = venvLocks.get(key) ?? Promise.resolve();
  const current = previous.catch(() => {}).then(fn);
  venvLocks.set(key, current);
  try {
    return await current;
  } finally {
    if (venvLocks.get(key) === current) venvLocks.delete(key);
  }
}

async function install(
  ctx: TaskContext,
  deps: PkgInstallDeps,
  plan: { argv: string[]; requirements: Requirement[] },
): Promise<TaskOutcome<"pkg.install">> {
  const output = new OutputCollector((e) => ctx.emit(e));
  const step = (spec: StepSpec) => runStep(ctx, deps.runner, spec, output);
  const maxMs = ctx.limits.runTimeoutMaxSeconds * 1000;

  const created = !(await venvExists(ctx));
  if (created) {
    ctx.emit({ type: "progress", progress: 0, total: 3, message: "Creating the environment" });
    await makeSandboxDir(sessionVenvDir(ctx), { runner: deps.runner, workspace: ctx.workspace });
    const made = await step({ argv: createVenvArgv(), timeoutMs: maxMs, writableVenv: true });
    if (made.cancelled || made.exitCode !== 0 || made.timedOut || !(await venvExists(ctx))) {
      // a half-made venv would pass for a real one next time
      await Deno.remove(sessionVenvDir(ctx), { recursive: true }).catch(() => {});
      if (made.cancelled) return cancelled(ctx.signal);
      return failure(
        plan.requirements.map((r) => r.name),
        made,
        output,
        "Cannot create the environment",
      );
    }
  }

  ctx.emit({ type: "progress", progress: 1, total: 3, message: "Installing packages" });
  const pip = await step({
    argv: plan.argv,
    timeoutMs: maxMs,
    writableVenv: true,
    network: true,
    // pip may legitimately compute for as long as a run may last
    limits: {
      ...sandboxLimits(ctx.limits),
      cpuSeconds: Math.max(ctx.limits.cpuSeconds, ctx.limits.runTimeoutMaxSeconds),
    },
  });
  if (pip.cancelled) return cancelled(ctx.signal);
  if (created || pip.exitCode === 0) await environmentChanged(ctx.sessionId, deps);

  ctx.emit({ type: "progress", progress: 2, total: 3, message: "Reading installed versions" });
  const query = await runStep(ctx, deps.runner, {
    argv: listInstalledArgv(plan.requirements),
    timeoutMs: ctx.limits.runTimeoutDefaultSeconds * 1000,
  });
  if (query.cancelled) return cancelled(ctx.signal);
  const listed = query.exitCode === 0 ? parseInstalled(query.stdout, plan.requirements) : undefined;
  if (!listed) {
    log.warn("Could not list installed packages: {stderr}", { stderr: query.stderr.slice(-500) });
  }
  const found = listed ?? { installed: [], failed: plan.requirements.map((r) => r.name) };
  const result: PkgInstallResult = {
    ...found,
    exit_code: pip.exitCode,
    output_tail: output.tail(),
  };
  ctx.emit({ type: "progress", progress: 3, total: 3, message: "Done" });
  if (pip.timedOut) {
    return {
      ok: true,
      result,
      is_error: true,
      error_text: `TIMEOUT: pip did not finish within ${ctx.limits.runTimeoutMaxSeconds} s`,
    };
  }
  if (pip.exitCode !== 0 || !listed) {
    const why = pip.exitCode !== 0
      ? `pip exited with code ${pip.exitCode}`
      : "cannot read the installed packages";
    const hint = pip.exitCode !== 0 && !deps.allowSourceBuilds
      ? " (only wheels are installed; source builds are disabled)"
      : "";
    return {
      ok: true,
      result,
      is_error: true,
      error_text: `INSTALL_FAILED: ${why}${lastLine(result.output_tail)}${hint}`,
    };
  }
  return { ok: true, result };
}

type StepSpec = Partial<SandboxSpec> & Pick<SandboxSpec, "argv"> & { writableVenv?: boolean };

/** Runs one step with the venv mounted, cwd in the private /tmp (never the workspace). */
async function runStep(
  ctx: TaskContext,
  runner: SandboxRunner,
  spec: StepSpec,
  output?: OutputCollector,
): Promise<SandboxResult> {
  const { writableVenv = false, ...rest } = spec;
  const result = await runner.run({
    workspace: ctx.workspace,
    cwd: "/tmp",
    env: sandboxEnv(true),
    mounts: [venvMount(ctx, writableVenv)],
    network: false,
    limits: sandboxLimits(ctx.limits),
    timeoutMs: ctx.limits.runTimeoutDefaultSeconds * 1000,
    outputLimitBytes: ctx.limits.outputLimitBytes,
    signal: ctx.signal,
    ...(output ? { onOutput: output.onOutput } : {}),
    ...rest,
  });
  if (output) {
    output.flush();
    if (!output.received) output.append(result.stdout + result.stderr);
  }
  return result;
}

function failure(
  failed: string[],
  run: SandboxResult,
  output: OutputCollector,
  what: string,
): TaskOutcome<"pkg.install"> {
  const result = { installed: [], failed, exit_code: run.exitCode, output_tail: output.tail() };
  const why = run.timedOut ? "timed out" : `exit code ${run.exitCode}`;
  return {
    ok: true,
    result,
    is_error: true,
    error_text: `INSTALL_FAILED: ${what} (${why})${lastLine(output.tail())}`,
  };
}

/** Tells the runtime; its failure must not turn a finished install into an error. */
async function environmentChanged(sessionId: string, deps: PkgInstallDeps): Promise<void> {
  try {
    await deps.onEnvironmentChanged?.(sessionId);
  } catch (err) {
    log.error("Restarting interpreters after an install failed: {error}", { error: String(err) });
  }
}

function cancelled(signal: AbortSignal): TaskOutcome<"pkg.install"> {
  return stoppedOutcome(signal, "pkg.install was cancelled");
}

/** `: <last non-empty output line>`, which usually says why pip failed. */
function lastLine(tail: string): string {
  const line = tail.trim().split("\n").at(-1)?.trim() ?? "";
  return line === "" ? "" : `: ${line.slice(0, 300)}`;
}
