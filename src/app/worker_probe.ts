import { SETTING } from "../config/mod.ts";
import { CodegenError } from "../core/mod.ts";
import type { GrpcWorkerClient, GrpcWorkerClientPool } from "../router/mod.ts";
import { TOKEN_HINT, withoutEmptyNote } from "../rpc/mod.ts";

/** Why a worker whose token refuses the coordinator's calls is refused registration. */
export const TOKEN_MISMATCH =
  `this worker refused the coordinator's calls as unauthenticated: ${TOKEN_HINT}`;

/** What dialling a registering worker back found. */
export type ProbeResult =
  | { ok: true; client: GrpcWorkerClient }
  | { ok: false; reason: string; unauthenticated: boolean };

/** Options for {@link probeWorker}. */
export interface ProbeOptions {
  /** How long the call back may take; keep it under the worker's registration deadline. */
  timeoutMs: number;
}

/**
 * Dials a registering worker back at the address it advertised, as every later call will.
 * A worker the coordinator cannot use (a wrong advertise address, a host outside the
 * coordinator's network permission, another token) is refused with a reason the worker
 * logs, rather than accepted and evicted at each first session, over and over.
 */
export async function probeWorker(
  pool: GrpcWorkerClientPool,
  workerId: string,
  address: string,
  options: ProbeOptions,
): Promise<ProbeResult> {
  const advertise = `set ${SETTING.advertise} to a host:port the coordinator can dial`;
  // grpc-js would only log the runtime's refusal and report the worker unreachable
  if (Deno.permissions.querySync({ name: "net", host: address }).state !== "granted") {
    return {
      ok: false,
      unauthenticated: false,
      reason: `the coordinator may not dial the advertised address "${address}": its network ` +
        `permission does not cover that host (see \`codegen-mcp permissions\`); ${advertise}`,
    };
  }
  try {
    const client = await pool.connect(workerId, address, { timeoutMs: options.timeoutMs });
    return { ok: true, client };
  } catch (err) {
    const e = CodegenError.from(err, "WORKER_UNAVAILABLE");
    if (e.code === "UNAUTHENTICATED") {
      return { ok: false, unauthenticated: true, reason: TOKEN_MISMATCH };
    }
    const detail = withoutEmptyNote(e.message);
    return {
      ok: false,
      unauthenticated: false,
      reason: `the coordinator cannot reach this worker at its advertised address ` +
        `"${address}" (${detail}); ${advertise}`,
    };
  }
}

/**
 * Whether a worker still answers at `address`. A registration under a live worker's id
 * from another address is a second worker given the same id, not a restart: accepting it
 * would make the two replace each other at every heartbeat, each time dropping the other's
 * sessions.
 */
export async function stillServing(
  pool: GrpcWorkerClientPool,
  workerId: string,
  address: string,
  options: ProbeOptions,
): Promise<boolean> {
  try {
    const client = await pool.connect(workerId, address, { timeoutMs: options.timeoutMs });
    await client.close();
    return true;
  } catch {
    return false;
  }
}

/** Why a second worker with a live worker's id is refused. */
export function duplicateId(workerId: string, liveAddress: string): string {
  return `worker id ${JSON.stringify(workerId)} is in use by a live worker at ` +
    `"${liveAddress}"; give each worker its own ${SETTING.workerId}`;
}
