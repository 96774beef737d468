import { getLogger } from "../../core/mod.ts";
import { bwrapArgs } from "./bwrap_args.ts";
import { SECCOMP_REFUSED } from "./close_fds.ts";
import { hostLayout } from "./host_layout.ts";
import { sandboxUidFor } from "./sandbox_uid.ts";
import { seccompProgram } from "./seccomp_filter.ts";

const log = getLogger("worker", "sandbox");

/** What this host's bubblewrap can do. */
export interface SandboxSupport {
  available: boolean;
  /**
   * Under a root worker: whether a second, unprivileged bubblewrap can wrap the command in
   * its own user namespace with further user namespaces disabled (needs unprivileged
   * user namespaces on the host).
   */
  nestedUserns: boolean;
  /**
   * Whether sandboxed commands run under the seccomp filter: false only on an architecture
   * the filter has no table for, or a kernel that refuses filters (logged at start).
   */
  seccomp: boolean;
}

/** One probe launch of a sandboxed `true`: "" on success, "missing" without bwrap, else why. */
export type ProbeLaunch = (plan: { nestedUserns: boolean; seccomp: boolean }) => Promise<string>;

let probed: Promise<SandboxSupport> | undefined;

/**
 * Whether bubblewrap is installed and can build the sandbox this worker uses (namespaces,
 * mounts, the rlimit and uid-dropping launcher, the seccomp filter). Probed once, with real
 * sandboxed `true`s.
 */
export async function bubblewrapAvailable(): Promise<boolean> {
  return (await sandboxSupport()).available;
}

/** The probed {@link SandboxSupport}, cached for the process. */
export function sandboxSupport(): Promise<SandboxSupport> {
  probed ??= probeSupport();
  return probed;
}

/**
 * Probes with `launch` (default: real sandboxes). Without the seccomp filter the sandbox
 * still has its namespaces, uid and rlimits, so a host that cannot have it runs sandboxes
 * without, saying so at warn level, rather than refusing Python altogether (which would
 * push operators to --insecure-no-sandbox); a launch never drops a filter it was given.
 * `options.arch` and `options.root` default to this process's architecture and uid.
 */
export async function probeSupport(
  launch: ProbeLaunch = tryLaunch,
  options: { arch?: string; root?: boolean } = {},
): Promise<SandboxSupport> {
  const { arch = Deno.build.arch, root = Deno.uid() === 0 } = options;
  let seccomp = seccompProgram(arch) !== undefined;
  if (!seccomp) {
    log.warn("No seccomp filter for {arch}: sandboxed code runs without one", { arch });
  }
  const attempt = async (nestedUserns: boolean) => {
    const reason = await launch({ nestedUserns, seccomp });
    if (!seccomp || !reason.includes(SECCOMP_REFUSED)) return reason;
    const message = "Sandboxed code runs without the seccomp filter, which cannot be installed";
    log.warn(`${message}: {reason}`, { reason });
    seccomp = false;
    return await launch({ nestedUserns, seccomp });
  };
  if (root && (await attempt(true)) === "") return { available: true, nestedUserns: true, seccomp };
  const reason = await attempt(false);
  if (reason !== "") {
    if (reason !== "missing") {
      log.warn("bubblewrap is installed but cannot start a sandbox: {reason}", { reason });
    }
    return { available: false, nestedUserns: false, seccomp };
  }
  if (root) {
    log.warn(
      "Unprivileged user namespaces are unavailable: sandboxed code runs without its own " +
        "user namespace and {may} create one",
      { may: seccomp ? "the seccomp filter keeps it from being able to" : "may" },
    );
  }
  return { available: true, nestedUserns: false, seccomp };
}

/** Launches a sandboxed `true`; returns "" on success, else why it failed. */
async function tryLaunch(plan: { nestedUserns: boolean; seccomp: boolean }): Promise<string> {
  try {
    const args = bwrapArgs({
      argv: ["true"],
      workspace: "",
      env: { PATH: "/usr/bin:/bin" },
      limits: { cpuSeconds: 5, memoryBytes: 512 * 1024 * 1024, maxProcesses: 16, maxFileBytes: 1 },
    }, {
      layout: hostLayout(),
      dropToUid: Deno.uid() === 0 ? sandboxUidFor("probe") : undefined,
      nestedUserns: plan.nestedUserns,
      seccomp: plan.seccomp,
      emptyWorkspace: true,
    });
    const out = await new Deno.Command("bwrap", {
      args,
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.success) return "";
    return new TextDecoder().decode(out.stderr).trim().slice(0, 500) || `exit ${out.code}`;
  } catch (err) {
    return err instanceof Deno.errors.NotFound ? "missing" : String(err);
  }
}
