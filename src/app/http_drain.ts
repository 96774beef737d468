import { getLogger, settlesWithin } from "../core/mod.ts";

const log = getLogger("app");

/** How long no call may run before the server counts as drained: its answer is on its way. */
const SETTLE_MS = 250;
const POLL_MS = 50;

/** What {@link drainHttp} waits on. */
export interface DrainTarget {
  /** Takes no new session from now on; open sessions are still served. */
  drain(): void;
  /** Tool calls in flight now. */
  running(): number;
}

/**
 * The HTTP front's stop on a signal: no new session, then the calls already running get up
 * to `graceMs` to finish (readiness already fails, so a load balancer sends new clients
 * elsewhere). Ends early when none has run for a moment, or when `hurry` settles (a second
 * signal). Calls still running after it are cancelled by the close that follows.
 */
export async function drainHttp(
  target: DrainTarget,
  graceMs: number,
  hurry: Promise<void>,
): Promise<void> {
  target.drain();
  if (target.running() === 0) return;
  log.info(
    "Stopping: waiting up to {seconds} s for {count} running call(s) to finish " +
      "(a second signal stops at once)",
    { seconds: graceMs / 1000, count: target.running() },
  );
  const deadline = performance.now() + graceMs;
  let idleSince: number | undefined;
  while (performance.now() < deadline) {
    const now = performance.now();
    if (target.running() > 0) idleSince = undefined;
    else if ((idleSince ??= now) + SETTLE_MS <= now) return;
    if (await settlesWithin(hurry, POLL_MS)) break;
  }
  const left = target.running();
  if (left > 0) {
    log.warn("Stopping with {count} call(s) still running: they are cancelled", { count: left });
  }
}
