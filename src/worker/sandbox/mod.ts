/**
 * The OS sandbox for user code: bubblewrap with fresh namespaces, a read-only system, the
 * workspace writable, rlimits and an unprivileged uid; or, only on explicit opt-out, an
 * unisolated subprocess that says so loudly.
 *
 * Under a root worker the sandbox is built by a privileged bwrap (mounts, pid/net/ipc/uts/
 * cgroup namespaces), then `prlimit` applies the rlimits (RLIMIT_NPROC: the session's
 * total), `setpriv` drops to a per-workspace host uid (RLIMIT_NPROC is not enforced for
 * root, and is counted per uid) with no capabilities, and a second, unprivileged bwrap adds
 * a user namespace in which no further user namespaces can be made, and in which a second
 * `prlimit` gives the sandbox its own RLIMIT_NPROC. Without root, one unprivileged bwrap
 * does it all, in a user namespace of its own. Either way the last step before the command
 * is the system python3 closing every descriptor but 0-2 (bubblewrap passes on those the
 * worker inherited without close-on-exec) and installing a seccomp filter (seccomp_table.ts:
 * EPERM for calls a Python run has no use for, death for another ABI's), and RLIMIT_NOFILE
 * is 1024. The filter comes after every launch step, so the nested bwrap is not under it;
 * where it cannot be installed the probe says so at start and sandboxes run without. For
 * `run()` (test.run, pkg.install) that step forks and waits for the command, and reports on
 * stderr, under a nonce the command cannot read, whether it exited or was killed by a signal,
 * which bubblewrap's exit status (128 + n for signal n) cannot tell apart. A
 * kill reaches bubblewrap (a thread that may run only `bwrap` cannot signal a process group), whose
 * sandbox dies with it; one sent while bubblewrap still sets up waits for that to finish
 * (`BWRAP_SETUP_GRACE_MS` after the start at most), as the sandbox's init would otherwise
 * outlive it.
 *
 * Known limits: total workspace size is not bounded (only each file, by RLIMIT_FSIZE);
 * workspaces whose paths hash to the same uid share the session's RLIMIT_NPROC total (and,
 * where there is no nested user namespace, every sandbox of a session shares one
 * RLIMIT_NPROC); the insecure runner cannot stop code that leaves its process group; the
 * seccomp filter is a deny-list, so a system call the kernel adds later is allowed.
 * @module
 */
import { BubblewrapRunner } from "./bubblewrap_runner.ts";
import { InsecureRunner } from "./insecure_runner.ts";
import type { InteractiveSandboxRunner } from "./runner.ts";

export type {
  InteractiveSandboxRunner,
  Mount,
  SandboxExit,
  SandboxLaunchSpec,
  SandboxLimits,
  SandboxProcess,
  SandboxResult,
  SandboxRunner,
  SandboxSpec,
} from "./runner.ts";
export { bubblewrapAvailable, type SandboxSupport, sandboxSupport } from "./probe.ts";
export { collect, type CollectOptions, DRAIN_GRACE_MS, drainWithin } from "./collect.ts";
export { CappedOutput } from "./capped_output.ts";
export { readChunks } from "./read_chunks.ts";
export { execDenyProgram } from "./seccomp_filter.ts";
export { INSTALL_SECCOMP } from "./close_fds.ts";
export { type BytePipe, bytePipe } from "./byte_pipe.ts";
export { SANDBOX_WORKSPACE } from "./bwrap_args.ts";
export { BubblewrapRunner, type BubblewrapRunnerOptions } from "./bubblewrap_runner.ts";
export { InsecureRunner } from "./insecure_runner.ts";
export { sandboxUidFor, type SandboxUidOptions } from "./sandbox_uid.ts";
export { systemPython } from "./host_layout.ts";

/** Options for {@link createSandboxRunner}. */
export interface SandboxRunnerOptions {
  /** Run without isolation (the explicit, logged opt-out). */
  insecureNoSandbox: boolean;
}

/**
 * The runner a worker uses: bubblewrap, which refuses with SANDBOX_UNAVAILABLE where it
 * cannot sandbox, or the insecure runner when the operator opted out.
 */
export function createSandboxRunner(options: SandboxRunnerOptions): InteractiveSandboxRunner {
  return options.insecureNoSandbox ? new InsecureRunner() : new BubblewrapRunner();
}
