import { CodegenError, getLogger, KeyedQueue } from "../../core/mod.ts";
import type { PkgInstallResult, TaskOutcome, TaskTypes } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import type { SandboxResult, SandboxRunner, SandboxSpec } from "../sandbox/runner.ts";
import { CallDeadline } from "./call_deadline.ts";
import { OutputCollector } from "./output_collector.ts";
import { checkIndexUrl, DEFAULT_INDEX_URL } from "./index_url.ts";
import {
  createVenvArgv,
  listInstalledArgv,
  parseInstalled,
  pipInstallArgv,
} from "./pip_command.ts";
import {
  DOWNLOADS_SANDBOX_PATH,
  EXIT_INDEX_REFUSED,
  EXIT_INDEX_UNRESOLVED,
  pipDownloadArgv,
} from "./pip_download.ts";
import { parseRequirements, type Requirement } from "./requirements.ts";
import { sandboxEnv } from "./env.ts";
import { sandboxLimits } from "./launch.ts";
import { makeSandboxDir } from "./sandbox_dir.ts";
import { sessionVenvDir, venvExists, venvMount } from "./venv.ts";
import { lastLine } from "./last_line.ts";

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
  /**
   * The install's time limit, counted from when the call reached the worker; default
   * RUN_TIMEOUT_MAX from now.
   */
  deadline?: CallDeadline;
}

// One install at a time per venv: two concurrent first installs would both create it.
const venvLocks = new KeyedQueue();

/**
 * Installs packages into the session's virtual environment, creating it on first use.
 * Arguments are validated before any process starts. Only the download step has network,
 * and it runs the system's pip without the venv; the venv's own interpreter installs the
 * downloaded wheels offline, so nothing an earlier install added ever runs with network.
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
  const plan: Plan = {
    requirements,
    indexUrl,
    fromCaller,
    download: pipDownloadArgv(requirements, {
      indexUrl,
      fromCaller,
      operatorIndex: !fromCaller && deps.pipIndexUrl !== undefined,
      noDeps: args.no_deps,
      allowSourceBuilds: deps.allowSourceBuilds,
    }),
    install: pipInstallArgv(requirements, { upgrade: args.upgrade, noDeps: args.no_deps }),
  };
  return await venvLocks.run(sessionVenvDir(ctx), async () => {
    const downloads = `${ctx.stateDir}/pip-downloads`;
    await Deno.remove(downloads, { recursive: true }).catch(() => {});
    try {
      await makeSandboxDir(downloads, { runner: deps.runner, workspace: ctx.workspace });
      return await install(ctx, deps, plan, downloads);
    } finally {
      await Deno.remove(downloads, { recursive: true }).catch(() => {});
    }
  });
}

interface Plan {
  requirements: Requirement[];
  indexUrl: string;
  fromCaller: boolean;
  download: string[];
  install: string[];
}

const STEPS = 4;

async function install(
  ctx: TaskContext,
  deps: PkgInstallDeps,
  plan: Plan,
  downloads: string,
): Promise<TaskOutcome<"pkg.install">> {
  const output = new OutputCollector((e) => ctx.emit(e));
  const step = (spec: StepSpec) => runStep(ctx, deps.runner, spec, output);
  // one deadline for the whole install, however its time splits between the steps
  const deadline = deps.deadline ?? new CallDeadline(ctx, ctx.limits.runTimeoutMaxSeconds * 1000);
  // the first step may find the wait for a turn (a run slot, the session's other install)
  // used it all; later ones get what is left, however little
  const left = () => Math.max(1, deadline.leftMs());
  const names = plan.requirements.map((r) => r.name);
  // pip may legitimately compute for as long as a run may last
  const pipLimits = {
    ...sandboxLimits(ctx.limits),
    cpuSeconds: Math.max(ctx.limits.cpuSeconds, ctx.limits.runTimeoutMaxSeconds),
  };
  const downloadMount = { host: downloads, sandbox: DOWNLOADS_SANDBOX_PATH };

  progress(ctx, 0, "Downloading packages");
  const fetched = await step({
    argv: plan.download,
    env: sandboxEnv(false),
    mounts: [{ ...downloadMount, writable: true }],
    network: true,
    timeoutMs: deadline.startNow("its turn (a run slot, the session's other installs)"),
    limits: pipLimits,
  });
  if (fetched.cancelled) return cancelled();
  if (plan.fromCaller) refuseIndexHost(fetched, plan.indexUrl);
  if (fetched.exitCode !== 0 || fetched.timedOut) {
    return failure(names, fetched, output, "Cannot download the packages");
  }

  const created = !(await venvExists(ctx));
  if (created) {
    progress(ctx, 1, "Creating the environment");
    await makeSandboxDir(sessionVenvDir(ctx), { runner: deps.runner, workspace: ctx.workspace });
    const made = await step({ argv: createVenvArgv(), timeoutMs: left(), writableVenv: true });
    if (made.cancelled || made.exitCode !== 0 || made.timedOut || !(await venvExists(ctx))) {
      // a half-made venv would pass for a real one next time
      await Deno.remove(sessionVenvDir(ctx), { recursive: true }).catch(() => {});
      if (made.cancelled) return cancelled();
      return failure(names, made, output, "Cannot create the environment");
    }
  }

  progress(ctx, 2, "Installing packages");
  const pip = await step({
    argv: plan.install,
    mounts: [venvMount(ctx, true), { ...downloadMount, writable: false }],
    timeoutMs: left(),
    limits: pipLimits,
  });
  // whatever its end: pip keeps what it installed before a failure, and a kill leaves what
  // it had done, which interpreters that set up site before it would not see
  await environmentChanged(ctx.sessionId, deps);
  if (pip.cancelled) return cancelled();

  progress(ctx, 3, "Reading installed versions");
  const query = await runStep(ctx, deps.runner, { argv: listInstalledArgv(plan.requirements) });
  if (query.cancelled) return cancelled();
  const listed = query.exitCode === 0
    ? parseInstalled(query.stdout, plan.requirements, pip)
    : undefined;
  if (!listed) {
    log.warn("Could not list installed packages: {stderr}", { stderr: query.stderr.slice(-500) });
  }
  const found = listed ?? { installed: [], failed: names };
  const result: PkgInstallResult = {
    ...found,
    exit_code: pip.exitCode,
    output_tail: output.tail(),
  };
  progress(ctx, STEPS, "Done");
  if (pip.timedOut) {
    return {
      ok: true,
      result,
      is_error: true,
      error_text: `TIMEOUT: the install did not finish within ${ctx.limits.runTimeoutMaxSeconds} s`,
    };
  }
  if (pip.exitCode !== 0 || !listed || found.failed.length > 0) {
    const why = pip.exitCode !== 0
      ? `pip exited with code ${pip.exitCode}${pip.signal ? ` (killed by ${pip.signal})` : ""}`
      : !listed
      ? "cannot read the installed packages"
      : `the environment does not satisfy ${found.failed.map((n) => `"${n}"`).join(", ")}`;
    return {
      ok: true,
      result,
      is_error: true,
      error_text: `INSTALL_FAILED: ${why}${gist(result.output_tail)}`,
    };
  }
  return { ok: true, result };
}

function progress(ctx: TaskContext, step: number, message: string): void {
  ctx.emit({ type: "progress", progress: step, total: STEPS, message });
}

/**
 * The download step checked a caller's index host as pip resolves it; a refusal there is
 * the caller's bad argument, thrown before anything was installed.
 */
function refuseIndexHost(run: SandboxResult, indexUrl: string): void {
  const reason = run.exitCode === EXIT_INDEX_REFUSED
    ? "its host resolves to a loopback or link-local address"
    : run.exitCode === EXIT_INDEX_UNRESOLVED
    ? "its host does not resolve"
    : undefined;
  if (reason === undefined || run.timedOut) return;
  const detail = lastLine(run.stderr, 200);
  throw new CodegenError(
    "INVALID_ARGUMENT",
    `Cannot use index_url ${JSON.stringify(indexUrl.slice(0, 200))}: ${reason}` +
      (detail ? ` (${detail})` : ""),
  );
}

type StepSpec = Partial<SandboxSpec> & Pick<SandboxSpec, "argv"> & { writableVenv?: boolean };

/**
 * Runs one step, by default offline with the venv mounted read-only and its environment;
 * cwd in the private /tmp (never the workspace).
 */
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
    // explicit mounts replace the venv's: the download step must not see it
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
  const killed = run.signal ? `, killed by ${run.signal}` : "";
  const why = run.timedOut ? "timed out" : `exit code ${run.exitCode}${killed}`;
  const hint = what.startsWith("Cannot download")
    ? " (only wheels are installed: no source distributions)"
    : "";
  return {
    ok: true,
    result,
    is_error: true,
    error_text: `INSTALL_FAILED: ${what} (${why})${gist(output.tail())}${hint}`,
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

/** A stopped install (the executor says why when it was not the caller's cancel). */
function cancelled(): TaskOutcome<"pkg.install"> {
  return {
    ok: false,
    error: { code: "CANCELLED", message: "pkg.install was cancelled", retriable: false },
  };
}

/** `: <last non-empty output line>`, which usually says why pip failed. */
// ": <the output's last line>", or nothing when there is none
function gist(tail: string): string {
  const line = lastLine(tail, 300);
  return line === "" ? "" : `: ${line}`;
}
