import type { KillReason } from "./_metric_types.ts";

/** The parts of a sandbox result that tell why the process ended. */
export interface SandboxEnding {
  timedOut: boolean;
  cancelled: boolean;
  /** Signal that ended the process, e.g. "SIGKILL", "SIGXCPU". */
  signal?: string | undefined;
}

const BY_SIGNAL: Record<string, KillReason> = {
  SIGXCPU: "cpu",
  SIGXFSZ: "file_size",
};

/**
 * Why a sandboxed process was killed, or undefined when it exited by itself. The worker's
 * own kills (timeout, cancellation) win over the signal they used.
 */
export function sandboxKillReason(ending: SandboxEnding): KillReason | undefined {
  if (ending.timedOut) return "timeout";
  if (ending.cancelled) return "cancelled";
  if (!ending.signal) return undefined;
  return BY_SIGNAL[ending.signal] ?? "signal";
}
