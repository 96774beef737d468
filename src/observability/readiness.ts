import { settlesWithin } from "../core/mod.ts";
import type { Readiness } from "./health.ts";

/** The facts readiness is made of; the lead's modules provide them. */
export interface ReadinessParts {
  /** Whether every configured transport accepts connections. */
  transportsListening: () => boolean;
  /** Workers (embedded or remote) that can take one more session. */
  workersWithCapacity: () => number;
  /** Answers true when Redis replies to PING; omit when no Redis is configured. */
  redisPing?: () => Promise<boolean>;
}

/** Options of {@link readinessFrom}. */
export interface ReadinessOptions {
  /** How long to wait for the Redis ping before calling it unreachable. Default 1000 ms. */
  pingTimeoutMs?: number;
}

/** Reasons {@link readinessFrom} can give, stable for dashboards and alerts. */
export const READINESS_REASONS = {
  transports: "transports not listening",
  capacity: "no worker with free capacity",
  redis: "redis unreachable",
} as const;

/** A readiness check from its parts: ready when every part is fine. */
export function readinessFrom(
  parts: ReadinessParts,
  options: ReadinessOptions = {},
): () => Promise<Readiness> {
  const timeoutMs = options.pingTimeoutMs ?? 1000;
  return async () => {
    const reasons: string[] = [];
    if (!parts.transportsListening()) reasons.push(READINESS_REASONS.transports);
    if (parts.workersWithCapacity() < 1) reasons.push(READINESS_REASONS.capacity);
    if (parts.redisPing && !(await pingWithin(parts.redisPing, timeoutMs))) {
      reasons.push(READINESS_REASONS.redis);
    }
    return { ok: reasons.length === 0, reasons };
  };
}

/** True only when `ping` resolves true within `timeoutMs`; errors and silence are false. */
async function pingWithin(ping: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const answer = ping().then((ok) => ok === true, () => false);
  return await settlesWithin(answer, timeoutMs) && await answer;
}
