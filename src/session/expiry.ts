import { getLogger } from "../core/mod.ts";
import type { SessionManager } from "./session_manager.ts";

const log = getLogger("session");

/** Runs `manager.expire()` every `intervalMs` until the returned disposer is called. */
export function startExpirySweep(manager: SessionManager, intervalMs: number): { stop(): void } {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return; // a slow sweep is never overlapped by the next
    running = true;
    try {
      await manager.expire();
    } catch (err) {
      log.error("Session sweep failed: {error}", { error: String(err) });
    } finally {
      running = false;
    }
  }, intervalMs);
  Deno.unrefTimer(timer);
  return { stop: () => clearInterval(timer) };
}
