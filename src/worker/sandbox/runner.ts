/**
 * The contract for running a command in the OS sandbox. The bubblewrap launcher and the
 * explicit insecure fallback implement it; run.python, pkg.install and test.run use it.
 * @module
 */
import type { BytePipe } from "./byte_pipe.ts";

/** A host directory made visible inside the sandbox. */
export interface Mount {
  /** Absolute host path. */
  host: string;
  /** Absolute path inside the sandbox. */
  sandbox: string;
  writable: boolean;
}

/** Resource limits applied to the sandboxed process tree (from config). */
export interface SandboxLimits {
  /** Soft RLIMIT_CPU: SIGXCPU when the process has used this much CPU time. */
  cpuSeconds: number;
  /**
   * Hard RLIMIT_CPU (SIGKILL). Default `cpuSeconds + 1`. A stateful interpreter gets a higher
   * one and moves its soft limit on before each call, so the hard one bounds its total.
   */
  cpuHardSeconds?: number;
  memoryBytes: number;
  /** RLIMIT_NPROC of one sandbox (its processes and threads). */
  maxProcesses: number;
  /**
   * Under a root worker, RLIMIT_NPROC of all of one session's sandboxes together: they run
   * as the same uid (see `sandboxUidFor`). Default `maxProcesses`.
   */
  sessionProcesses?: number;
  maxFileBytes: number;
}

/** The hard RLIMIT_CPU of `limits`: its own, or one second past the soft one. */
export function cpuHardSeconds(limits: SandboxLimits): number {
  return limits.cpuHardSeconds ?? limits.cpuSeconds + 1;
}

/** One command to run in the sandbox. */
export interface SandboxSpec {
  /** Program and arguments as seen inside the sandbox, e.g. `["python3", "-c", code]`. */
  argv: string[];
  /** Host path of the session workspace, mounted writable at `/workspace`. */
  workspace: string;
  /** Working directory inside the sandbox; default `/workspace`. */
  cwd?: string;
  /** The complete environment of the process (nothing is inherited from the worker). */
  env: Record<string, string>;
  /** Extra mounts (e.g. the session's virtual environment). */
  mounts?: Mount[];
  /** Grant network access (only pip gets it). Default false. */
  network?: boolean;
  limits: SandboxLimits;
  /** Bytes written to stdin, then closed. */
  stdin?: string;
  /** Wall-clock limit; when reached the whole process group is killed. */
  timeoutMs: number;
  /** Cap on each of stdout and stderr; the rest is dropped and `truncated` set. */
  outputLimitBytes: number;
  /** Aborting kills the whole process group at once. */
  signal?: AbortSignal;
  /**
   * Receives all output as it arrives (already decoded, may split lines), including what
   * `outputLimitBytes` drops from the result: the listener bounds what it keeps.
   */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
}

/** What happened to a sandboxed command. */
export interface SandboxResult {
  exitCode: number;
  /** Signal that ended the process, if any (e.g. "SIGKILL", "SIGXCPU"). */
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  truncated: boolean;
  durationMs: number;
}

/** Runs commands in the sandbox. */
export interface SandboxRunner {
  /** "bubblewrap" or "insecure" (no isolation; explicit opt-out only). */
  readonly kind: "bubblewrap" | "insecure";
  run(spec: SandboxSpec): Promise<SandboxResult>;
}

/** A sandboxed process to start and drive interactively (warm interpreters, kernels). */
export type SandboxLaunchSpec = Omit<
  SandboxSpec,
  "stdin" | "timeoutMs" | "outputLimitBytes" | "signal" | "onOutput"
>;

/** How a sandboxed process ended. */
export interface SandboxExit {
  exitCode: number;
  signal?: string;
}

/** A running sandboxed process: its pipes, and a kill that takes the whole tree. */
export interface SandboxProcess {
  /** Host pid of the launcher (bwrap, or the process itself when insecure). */
  readonly pid: number;
  /** stdout and stderr are byte streams: they are read into a reused buffer (BYOB). */
  readonly stdout: BytePipe;
  readonly stderr: BytePipe;
  /** Whether the process has ended. */
  readonly exited: boolean;
  readonly status: Promise<SandboxExit>;
  /** Writes to stdin; rejects if the process closed it. */
  write(data: Uint8Array): Promise<void>;
  closeStdin(): Promise<void>;
  /**
   * Kills the whole process tree (SIGKILL): at once, or, for a bubblewrap sandbox still
   * being set up, once that is done (`BWRAP_SETUP_GRACE_MS` after its start at most).
   */
  kill(): void;
  /** Kills, waits for the exit and releases the pipes. */
  dispose(): Promise<void>;
}

/** A runner that can also start long-lived sandboxed processes. */
export interface InteractiveSandboxRunner extends SandboxRunner {
  start(spec: SandboxLaunchSpec): Promise<SandboxProcess>;
  /**
   * The host uid sandboxed processes run as, when the worker runs as root and drops to a
   * dedicated uid for `workspace`; undefined otherwise.
   */
  sandboxUid(workspace: string): number | undefined;
  /** Makes `workspace` (and `extraDirs`) writable for that uid; `run` does this itself. */
  ensureOwnership(workspace: string, extraDirs?: string[]): Promise<void>;
}
