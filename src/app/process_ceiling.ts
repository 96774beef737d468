/**
 * A `SANDBOX_MAX_PROCESSES` the host cannot grant fails every run (the sandbox's launcher may
 * not raise its hard process limit): refused at start-up instead, with the value that fits.
 * @module
 */
import { CodegenError } from "../core/mod.ts";
import type { Limits } from "../config/mod.ts";
import { type HostLimits, hostLimits, sandboxLimits } from "../worker/mod.ts";

/**
 * Processes one session's sandboxes need under the host's hard RLIMIT_NPROC: under a root
 * worker their total (they share a uid); else one sandbox's, its launcher included.
 */
function processesNeeded(limits: Limits, sessionTotal: boolean): number {
  if (sessionTotal) return sandboxLimits(limits).sessionProcesses ?? limits.maxProcesses + 1;
  return limits.maxProcesses + 1;
}

/**
 * Throws a CONFIG_INVALID error (one line, exit 2) naming SANDBOX_MAX_PROCESSES when the
 * host's hard process limit cannot hold what a session's sandboxes need. `host` defaults to
 * this process's, read once; an unknown or unlimited one passes.
 */
export function checkProcessCeiling(
  limits: Limits,
  options: { insecure: boolean; host?: HostLimits },
): void {
  const host = options.host ?? hostLimits();
  const hard = host.maxProcesses;
  const sessionTotal = host.root && !options.insecure;
  if (hard === undefined || processesNeeded(limits, sessionTotal) <= hard) return;
  let fits = 0; // the largest value that does, found by halving (the need only grows)
  for (let lo = 1, hi = limits.maxProcesses; lo <= hi;) {
    const mid = Math.floor((lo + hi) / 2);
    if (processesNeeded({ ...limits, maxProcesses: mid }, sessionTotal) <= hard) {
      fits = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const who = sessionTotal ? "a session's sandboxes together" : "a sandboxed run";
  // at least 3 processes are needed (see the loader): then no value fits this host
  const fix = fits >= 3
    ? `expected at most ${fits}`
    : `no value fits this host: raise its hard process limit (RLIMIT_NPROC)`;
  throw new CodegenError(
    "CONFIG_INVALID",
    `invalid SANDBOX_MAX_PROCESSES "${limits.maxProcesses}": ${fix}: with it ` +
      `${who} would need ${processesNeeded(limits, sessionTotal)} processes, more than this ` +
      `host's hard process limit (RLIMIT_NPROC) of ${hard}`,
  );
}
