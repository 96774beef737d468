import { getLogger } from "../core/mod.ts";
import {
  addressKey,
  type RegisterRequest,
  type RegisterResponse,
  validateRegistration,
  type WorkerRegistry,
} from "../registry/mod.ts";
import type { GrpcWorkerClient, GrpcWorkerClientPool } from "../router/mod.ts";
import { TOKEN_HINT } from "../rpc/mod.ts";
import type { TokenRefusals } from "./token_refusals.ts";
import { duplicateId, probeWorker, stillServing, TOKEN_MISMATCH } from "./worker_probe.ts";

const log = getLogger("app", "fleet");

/** How long dialling a registering worker back may take: under its 10 s registration deadline. */
const PROBE_TIMEOUT_MS = 5_000;
/** How long a registered worker may take to show it is still alive when its id comes again. */
const LIVENESS_TIMEOUT_MS = 3_000;

/** What {@link admitWorker} works with. */
export interface AdmissionDeps {
  registry: WorkerRegistry;
  pool: GrpcWorkerClientPool;
  /** Workers whose token refused ours, by the token fingerprint they registered with. */
  tokenRefused: TokenRefusals;
  /** Told of an accepted worker, with the client its check opened (to keep, not close). */
  accepted(workerId: string, address: string, client: GrpcWorkerClient): void;
}

/**
 * Decides a worker's registration. A worker is accepted only once the coordinator could
 * call it back at the address it advertised: one it cannot use (an address it cannot reach
 * or may not dial, another token) is told why, instead of being accepted, evicted at its
 * first session and registering again, over and over. One that refused our token is refused
 * without a call for a minute, unless it registers from another address or with another
 * token; a second worker with a live
 * worker's id is refused rather than swapped in.
 */
export async function admitWorker(
  deps: AdmissionDeps,
  req: RegisterRequest,
): Promise<RegisterResponse> {
  const { registry, pool, tokenRefused } = deps;
  if (!validateRegistration(req).ok) return registry.register(req);
  if (tokenRefused.refuses(req.workerId, req.address, req.tokenFingerprint)) {
    return { accepted: false, reason: TOKEN_MISMATCH };
  }
  tokenRefused.forget(req.workerId, req.address);
  const probe = await probeWorker(pool, req.workerId, req.address, {
    timeoutMs: PROBE_TIMEOUT_MS,
  });
  if (!probe.ok) {
    if (probe.unauthenticated) {
      tokenRefused.refuse(req.workerId, req.address, req.tokenFingerprint);
      logTokenMismatch(req.workerId, req.address);
    }
    return { accepted: false, reason: probe.reason };
  }
  // the same id from another address: a restart elsewhere, or a second worker
  const live = registry.get(req.workerId);
  if (
    live && addressKey(live.address) !== addressKey(req.address) &&
    await stillServing(pool, req.workerId, live.address, { timeoutMs: LIVENESS_TIMEOUT_MS })
  ) {
    void probe.client.close();
    return { accepted: false, reason: duplicateId(req.workerId, live.address) };
  }
  const res = registry.register(req);
  if (res.accepted) deps.accepted(req.workerId, req.address, probe.client);
  else void probe.client.close();
  return res;
}

/** Logs that a worker refused the coordinator's token (both when admitting and calling). */
export function logTokenMismatch(workerId: string, address: string): void {
  log.error(
    `Worker {workerId} at {address} refused the coordinator's call as unauthenticated: ${TOKEN_HINT}`,
    { workerId, address },
  );
}
