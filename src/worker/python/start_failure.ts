import type { TaskError } from "../../rpc/mod.ts";

/** EAGAIN, as Python and bubblewrap word it: fork or clone found no process to spare. */
const OUT_OF_PROCESSES = /\[Errno 11\]|Resource temporarily unavailable/;
/** The launcher could not apply a limit the host does not allow: no retry gets past it. */
const LIMIT_REFUSED = /failed to set the \w+ resource limit/;

/**
 * The answer for a run that never started: its fork server could not fork it, or its
 * sandbox ended before Python was up. `reason` is what the fork server or the launcher said.
 * Out of processes (EAGAIN: the process limit, or the host's) is LIMIT_EXCEEDED; anything
 * else, SANDBOX_UNAVAILABLE. Both are retriable, and neither is the program's exit code, but
 * for a limit the host refuses (SANDBOX_MAX_PROCESSES above its hard process limit).
 */
export function startFailure(reason: string): TaskError {
  if (OUT_OF_PROCESSES.test(reason)) {
    return {
      code: "LIMIT_EXCEEDED",
      message:
        `Cannot start the run: too many processes at once in this session (${reason}); retry`,
      retriable: true,
    };
  }
  return {
    code: "SANDBOX_UNAVAILABLE",
    message: `Cannot start the run: the sandbox did not start (${reason})`,
    retriable: !LIMIT_REFUSED.test(reason),
  };
}
