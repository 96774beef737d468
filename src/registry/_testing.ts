import { FakeClock, sequentialIds } from "../core/mod.ts";
import { type RegisterRequest, WorkerRegistry } from "./mod.ts";

/** The timeout the registry tests use. */
export const TIMEOUT_MS = 300_000;

/** A valid registration for `workerId`; tests override what they exercise. */
export function registration(
  workerId: string,
  maxSessions = 4,
  overrides: Partial<RegisterRequest> = {},
): RegisterRequest {
  return {
    workerId,
    tokenFingerprint: "fingerprint-a",
    address: `${workerId}.workers:50051`,
    capabilities: { tools: ["run.python", "fs.read"], languages: ["python"], maxSessions },
    version: "0.1.0",
    ...overrides,
  };
}

/** A registry on a fake clock with predictable registration ids. */
export function fakeRegistry(): { registry: WorkerRegistry; clock: FakeClock } {
  const clock = new FakeClock();
  const registry = new WorkerRegistry({
    clock,
    heartbeatTimeoutMs: TIMEOUT_MS,
    ids: sequentialIds("reg"),
  });
  return { registry, clock };
}

/** Registers `workerId` and returns its registration id, failing the test if refused. */
export function mustRegister(
  registry: WorkerRegistry,
  workerId: string,
  maxSessions = 4,
  overrides: Partial<RegisterRequest> = {},
): string {
  const res = registry.register(registration(workerId, maxSessions, overrides));
  if (!res.accepted) throw new Error(`registration of ${workerId} refused: ${res.reason}`);
  return res.registrationId;
}
