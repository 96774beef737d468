import { CodegenError } from "../core/mod.ts";

/** Whether the process should get traffic now, and if not, why not. */
export interface Readiness {
  ok: boolean;
  /** Short, stable sentences, e.g. "no worker with free capacity"; empty when ready. */
  reasons: string[];
}

/** What {@link createHealth} consults. */
export interface HealthChecks {
  ready: () => Promise<Readiness>;
}

/** Liveness and readiness of this process. */
export interface Health {
  /** Liveness: answers while the process runs at all. */
  live(): { status: "ok" };
  /** Readiness: the checks, plus "shutting down" once {@link Health.drain} was called. */
  ready(): Promise<Readiness>;
  /** Marks the process as shutting down so load balancers stop sending it work. */
  drain(): void;
}

/** Wraps readiness checks; a check that throws reads as not ready, with its message. */
export function createHealth(checks: HealthChecks): Health {
  let draining = false;
  return {
    live: () => ({ status: "ok" }),
    drain() {
      draining = true;
    },
    async ready() {
      let result: Readiness;
      try {
        result = await checks.ready();
      } catch (err) {
        const why = CodegenError.from(err).message;
        result = { ok: false, reasons: [`readiness check failed: ${why}`] };
      }
      if (!draining) return result;
      return { ok: false, reasons: ["shutting down", ...result.reasons] };
    },
  };
}
