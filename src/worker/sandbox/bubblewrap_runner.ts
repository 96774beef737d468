import { CodegenError, concatBytes, getLogger } from "../../core/mod.ts";
import { bwrapArgs, chownArgs } from "./bwrap_args.ts";
import { collect, stdinBytes } from "./collect.ts";
import { ExitReport } from "./exit_report.ts";
import { hostLayout } from "./host_layout.ts";
import { type SandboxSupport, sandboxSupport } from "./probe.ts";
import type {
  InteractiveSandboxRunner,
  SandboxLaunchSpec,
  SandboxProcess,
  SandboxResult,
  SandboxSpec,
} from "./runner.ts";
import { sandboxUidFor, type SandboxUidOptions } from "./sandbox_uid.ts";
import { BWRAP_SETUP_GRACE_MS, spawnProcess } from "./spawned_process.ts";

const log = getLogger("worker", "sandbox");
const CHOWN_TIMEOUT_MS = 60_000;

/** Options for {@link BubblewrapRunner}. */
export interface BubblewrapRunnerOptions {
  /** The uid range a root worker drops sandboxes to. */
  uids?: SandboxUidOptions;
  /** What the host supports; default: probed once ({@link sandboxSupport}). */
  support?: () => Promise<SandboxSupport>;
}

/** Runs commands under bubblewrap; refuses (SANDBOX_UNAVAILABLE) where it cannot. */
export class BubblewrapRunner implements InteractiveSandboxRunner {
  readonly kind = "bubblewrap" as const;
  #uids: SandboxUidOptions;
  #support: () => Promise<SandboxSupport>;
  #root: boolean;

  constructor(options: BubblewrapRunnerOptions = {}) {
    this.#uids = options.uids ?? {};
    this.#support = options.support ?? sandboxSupport;
    this.#root = Deno.uid() === 0;
  }

  sandboxUid(workspace: string): number | undefined {
    return this.#root ? sandboxUidFor(workspace, this.#uids) : undefined;
  }

  start(spec: SandboxLaunchSpec): Promise<SandboxProcess> {
    return this.#spawn(spec, false);
  }

  /**
   * Runs the command to its end. Its launcher waits for it and reports how it ended
   * (exit_report.ts), so `os._exit(137)` is exit code 137 and only a death by a signal has
   * `signal`. Without a report (the sandbox was killed) bubblewrap's 128 + n is read as n.
   */
  async run(spec: SandboxSpec): Promise<SandboxResult> {
    const writable = (spec.mounts ?? []).filter((m) => m.writable).map((m) => m.host);
    await this.ensureOwnership(spec.workspace, writable);
    const report = new ExitReport();
    const proc = await this.#spawn(spec, true);
    const stdin = concatBytes([report.prefix, stdinBytes(spec.stdin) ?? new Uint8Array(0)]);
    const result = await collect(proc, { ...spec, stdin, stderrFilter: report });
    if (!report.exit) return result;
    const { signal: _, ...rest } = result;
    return { ...rest, ...report.exit };
  }

  async #spawn(spec: SandboxLaunchSpec, reportExit: boolean): Promise<SandboxProcess> {
    const { nestedUserns, seccomp } = await this.#requireAvailable();
    const dropToUid = this.sandboxUid(spec.workspace);
    const plan = { layout: hostLayout(), dropToUid, nestedUserns, seccomp, reportExit };
    return spawnProcess({
      program: "bwrap",
      args: bwrapArgs(spec, plan),
      env: spec.env,
      exitCodeSignals: true,
      killGraceMs: BWRAP_SETUP_GRACE_MS,
    });
  }

  /**
   * Under a root worker, gives the workspace (and `extraDirs`) to the workspace's sandbox
   * uid so sandboxed code can write what the worker created. A no-op otherwise.
   */
  async ensureOwnership(workspace: string, extraDirs: string[] = []): Promise<void> {
    const uid = this.sandboxUid(workspace);
    if (uid === undefined) return;
    await this.#requireAvailable();
    const proc = spawnProcess({
      program: "bwrap",
      args: chownArgs([workspace, ...extraDirs], { layout: hostLayout(), uid }),
      env: { PATH: "/usr/bin:/bin" },
      killGraceMs: BWRAP_SETUP_GRACE_MS,
    });
    const result = await collect(proc, { timeoutMs: CHOWN_TIMEOUT_MS, outputLimitBytes: 4096 });
    if (result.exitCode !== 0) {
      log.warn("Could not hand the workspace to the sandbox uid: {error}", {
        error: result.stderr.trim(),
      });
    }
  }

  async #requireAvailable(): Promise<SandboxSupport> {
    const support = await this.#support();
    if (support.available) return support;
    throw new CodegenError(
      "SANDBOX_UNAVAILABLE",
      "Cannot run Python: bubblewrap (bwrap) is missing or cannot create namespaces here; " +
        "install bubblewrap, or start the worker with --insecure-no-sandbox to run " +
        "without isolation",
    );
  }
}
