import { CodegenError } from "../../core/mod.ts";
import { launcherArgs, type LauncherFilter } from "./close_fds.ts";
import { type HostLayout, parentDirArgs, systemMountArgs } from "./host_layout.ts";
import { cpuHardSeconds, type SandboxLaunchSpec, type SandboxLimits } from "./runner.ts";
import { seccompProgram } from "./seccomp_filter.ts";

const MiB = 1024 * 1024;
/** Where the workspace appears inside the sandbox. */
export const SANDBOX_WORKSPACE = "/workspace";
/**
 * RLIMIT_NOFILE of every sandboxed process, soft and hard: Linux's usual soft limit. Without
 * it each process gets the worker's, often a million, and open pipes and sockets hold
 * kernel memory that RLIMIT_AS does not count.
 */
export const MAX_OPEN_FILES = 1024;

/** How to launch: the host layout, and the uid to drop to when the worker is root. */
export interface BwrapPlan {
  layout: HostLayout;
  /** Set when the worker runs as root: the unprivileged host uid the sandbox runs as. */
  dropToUid?: number | undefined;
  /**
   * With `dropToUid`: wrap the command in a second, unprivileged bwrap with its own user
   * namespace and further user namespaces disabled (kernel attack surface).
   */
  nestedUserns?: boolean;
  /** Availability probe: an empty /workspace instead of a host directory. */
  emptyWorkspace?: boolean;
  /**
   * Whether the command runs under the seccomp filter (seccomp_table.ts). Default true;
   * false only where the probe found none for the architecture, or the kernel refusing it.
   */
  seccomp?: boolean;
  /**
   * The launcher waits for the command and reports how it ended (exit_report.ts). Its
   * waiting process is one more in the sandbox, so the sandbox's own RLIMIT_NPROC is one
   * higher (`sessionProcesses` must count it already).
   */
  reportExit?: boolean;
}

/** Size of the private /tmp: room for pip's downloads, bounded so it cannot eat RAM. */
export function tmpBytes(limits: SandboxLimits): number {
  return Math.max(256 * MiB, limits.maxFileBytes);
}

/**
 * The bubblewrap command line for `spec`: fresh namespaces (no network unless asked), a
 * read-only system, private /tmp and /dev/shm, the workspace writable at /workspace, and
 * a launcher that applies the rlimits and, under a root worker, drops to `dropToUid`, and
 * closes every inherited descriptor but 0-2 and installs the seccomp filter last, right
 * before the command.
 */
export function bwrapArgs(spec: SandboxLaunchSpec, plan: BwrapPlan): string[] {
  const asRoot = plan.dropToUid !== undefined;
  const args = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"];
  if (!spec.network) args.push("--unshare-net");
  // Without root the kernel counts RLIMIT_NPROC per user namespace, so give it its own.
  if (!asRoot) args.push("--unshare-user", "--disable-userns");
  args.push("--hostname", "sandbox", "--die-with-parent", "--new-session", "--cap-drop", "ALL");
  // setpriv needs these to switch uid and clear the bounding set (bwrap needs search
  // rights to --chdir into the uid's 0700 workspace); the uid switch drops them all.
  if (asRoot) {
    for (const cap of ["CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_DAC_READ_SEARCH"]) {
      args.push("--cap-add", cap);
    }
  }
  args.push(...systemMountArgs(plan.layout, spec.network === true));
  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--perms", "1777", "--size", String(tmpBytes(spec.limits)), "--tmpfs", "/tmp");
  args.push("--perms", "1777", "--size", String(64 * MiB), "--tmpfs", "/dev/shm");
  if (plan.emptyWorkspace) args.push("--perms", "0755", "--dir", SANDBOX_WORKSPACE);
  else args.push("--bind", spec.workspace, SANDBOX_WORKSPACE);
  args.push(...parentDirArgs((spec.mounts ?? []).map((m) => m.sandbox)));
  for (const m of spec.mounts ?? []) {
    args.push(m.writable ? "--bind" : "--ro-bind", m.host, m.sandbox);
  }
  args.push("--chdir", spec.cwd ?? SANDBOX_WORKSPACE, "--");
  // Under a root worker a session's sandboxes all run as one uid, and RLIMIT_NPROC counts
  // per uid (and per user namespace made under it, each against the limit it was made
  // with). With a nested user namespace, the session's total goes on first and each sandbox
  // gets maxProcesses of its own inside; without one, the session shares maxProcesses.
  // The session's total is the caller's to size: it counts each run's waiting launcher.
  const maxProcesses = spec.limits.maxProcesses + (plan.reportExit ? 1 : 0);
  const sessionProcesses = spec.limits.sessionProcesses ?? maxProcesses;
  const perSandbox = asRoot && plan.nestedUserns === true;
  const outer = { ...spec.limits, maxProcesses: perSandbox ? sessionProcesses : maxProcesses };
  args.push(...limitArgs(plan.layout, outer));
  if (asRoot) {
    const uid = String(plan.dropToUid);
    args.push(
      plan.layout.tools.setpriv,
      `--reuid=${uid}`,
      `--regid=${uid}`,
      "--clear-groups",
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--",
    );
    if (plan.nestedUserns) {
      // --dev-bind: a plain bind would add nodev and break /dev/null & co.
      args.push(plan.layout.tools.bwrap, "--unshare-user", "--disable-userns");
      args.push("--dev-bind", "/", "/");
      args.push("--die-with-parent", "--chdir", spec.cwd ?? SANDBOX_WORKSPACE, "--");
      args.push(plan.layout.tools.prlimit, `--nproc=${maxProcesses}`, "--");
    }
  }
  const filtered = plan.seccomp === false ? undefined : filter();
  args.push(
    ...launcherArgs(plan.layout, { filter: filtered, reportExit: plan.reportExit === true }),
  );
  args.push(...spec.argv);
  return args;
}

function filter(): LauncherFilter {
  const arch = Deno.build.arch;
  const program = seccompProgram(arch);
  // the probe turns the filter off where there is none; never launch without it silently
  if (!program) {
    throw new CodegenError("SANDBOX_UNAVAILABLE", `No seccomp filter for "${arch}"`);
  }
  return { program, arch };
}

/**
 * `prlimit ... --`: CPU (SIGXCPU, then SIGKILL at the hard limit, by default a second later),
 * memory, processes, file size, open files.
 */
export function limitArgs(layout: HostLayout, limits: SandboxLimits): string[] {
  const cpu = limits.cpuSeconds;
  return [
    layout.tools.prlimit,
    `--cpu=${cpu}:${cpuHardSeconds(limits)}`,
    `--as=${limits.memoryBytes}`,
    `--nproc=${limits.maxProcesses}`,
    `--fsize=${limits.maxFileBytes}`,
    `--nofile=${MAX_OPEN_FILES}`,
    "--core=0",
    "--",
  ];
}

/**
 * A root-only helper sandbox that re-owns `dirs` to `uid` with `chown -R -h`: symlinks
 * resolve inside the sandbox, where nothing of the host is writable, so a link planted
 * in the workspace cannot redirect the chown to a host file.
 */
export function chownArgs(
  dirs: string[],
  options: { layout: HostLayout; uid: number },
): string[] {
  const { layout, uid } = options;
  const args = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net"];
  args.push("--die-with-parent", "--new-session", "--cap-drop", "ALL");
  for (const cap of ["CAP_CHOWN", "CAP_DAC_READ_SEARCH", "CAP_DAC_OVERRIDE"]) {
    args.push("--cap-add", cap);
  }
  args.push(...systemMountArgs(layout, false), "--proc", "/proc", "--dev", "/dev");
  const targets = dirs.map((dir, i) => {
    args.push("--bind", dir, `/target/${i}`);
    return `/target/${i}`;
  });
  args.push("--", layout.tools.chown, "-R", "-h", `${uid}:${uid}`, ...targets);
  return args;
}
