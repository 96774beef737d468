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

/** A task's outcome, structurally the rpc `TaskOutcome`, as far as kills show in it. */
export type KilledTaskEnding =
  | { ok: true; result?: unknown }
  | { ok: false; error: { code: string } };

/**
 * Why a task's sandboxed process was killed, read from the task's outcome: a run that
 * timed out or ended by a signal (its result says which), or a task cancelled or timed
 * out as a whole.
 */
export function taskKillReason(ending: KilledTaskEnding): KillReason | undefined {
  if (!ending.ok) {
    const code = ending.error.code;
    return sandboxKillReason({ timedOut: code === "TIMEOUT", cancelled: code === "CANCELLED" });
  }
  const result = ending.result as { timed_out?: unknown; signal?: unknown } | undefined;
  return sandboxKillReason({
    timedOut: result?.timed_out === true,
    cancelled: false,
    signal: typeof result?.signal === "string" ? result.signal : undefined,
  });
}
