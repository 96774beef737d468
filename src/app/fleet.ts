import { bareHost, type Config, SETTING } from "../config/mod.ts";
import { type Clock, CodegenError, getLogger, SYSTEM_CLOCK } from "../core/mod.ts";
import { WorkerRegistry } from "../registry/mod.ts";
import {
  createGrpcWorkerClientPool,
  type GrpcWorkerClientPool,
  type RemoteWorkers,
  type WorkerClient,
} from "../router/mod.ts";
import { type LifecycleServerHandle, routeGrpcLogs, startLifecycleServer } from "../rpc/mod.ts";
import { loadTls, probeListen } from "./startup_checks.ts";
import { TokenRefusals } from "./token_refusals.ts";
import { type AdmissionDeps, admitWorker, logTokenMismatch } from "./worker_admission.ts";

const log = getLogger("app", "fleet");

/** Remote workers: the registry, the lifecycle listener they register on, and a client pool. */
export interface Fleet extends RemoteWorkers {
  registry: WorkerRegistry;
  /** The lifecycle listener's port (undefined when not listening). */
  readonly grpcPort: number | undefined;
  close(): Promise<void>;
}

interface Cached {
  address: string;
  client: Promise<WorkerClient | undefined>;
}

/** How long fetching a worker's limits may take before a placement tries another one. */
const CONNECT_TIMEOUT_MS = 10_000;

/** How long a refused registration is mentioned to callers who find no worker with room. */
const REFUSAL_NOTE_MS = 5 * 60_000;

/** Options for {@link startFleet}. */
export interface FleetOptions {
  clock?: Clock;
}

/**
 * Starts the worker-lifecycle gRPC listener (when `config.grpcPort` is set) and returns the
 * remote-worker side the router uses: registry-backed placement and pooled gRPC clients.
 */
export async function startFleet(config: Config, options: FleetOptions = {}): Promise<Fleet> {
  // the listener and the channels to workers are the coordinator's only grpc-js users
  routeGrpcLogs();
  // read once: the bytes checked are the bytes used, by the listener and every channel
  const pem = loadTls(config);
  const clock = options.clock ?? SYSTEM_CLOCK;
  // workers whose token refused ours, with the token fingerprint they registered with
  const tokenRefused = new TokenRefusals({ clock });
  const registry = new WorkerRegistry({
    clock,
    heartbeatTimeoutMs: config.workerHeartbeatTimeoutMs,
    // workers drop sessions unused this long: past any this coordinator still has
    sessionIdleMs: 2 * config.sessionMaxAgeMs + config.cleanupIntervalMs,
  });
  const tls = pem?.cert && pem.key ? pem : undefined;
  const pool: GrpcWorkerClientPool = createGrpcWorkerClientPool({
    ...(config.workerToken ? { token: config.workerToken } : {}),
    ...(tls ? { tls } : {}),
  });
  const clients = new Map<string, Cached>();
  const drop = (workerId: string) => {
    const cached = clients.get(workerId);
    clients.delete(workerId);
    void cached?.client.then((c) => c?.close()).catch(() => {});
  };
  registry.onWorkerRemoved((workerId, sessions) => {
    log.info("Worker {workerId} left; {count} session(s) will move on next use", {
      workerId,
      count: sessions.length,
    });
    drop(workerId);
  });
  // when a registration was last refused: a caller told no worker has room hears of it, as
  // the reason is only in the logs of the coordinator and of the worker
  let lastRefusedAt: number | undefined;
  const admission: AdmissionDeps = {
    registry,
    pool,
    tokenRefused,
    accepted(workerId, address, client) {
      // keeps the connection the check opened (a restart already dropped the old client,
      // when the registry told of the removal)
      clients.set(workerId, { address, client: Promise.resolve(client) });
    },
  };
  let server: LifecycleServerHandle | undefined;
  if (config.grpcPort !== undefined) {
    if (!config.workerToken) {
      log.warn("WORKER_TOKEN is not set: any process that can reach the gRPC port may register");
    }
    probeListen({
      host: config.host,
      port: config.grpcPort,
      hostSetting: SETTING.host,
      portSetting: SETTING.grpcPort,
    });
    server = await startLifecycleServer({
      // HTTP_HOST may be written "[::1]"; the listener takes the address itself
      host: bareHost(config.host),
      port: config.grpcPort,
      settings: { host: SETTING.host, port: SETTING.grpcPort },
      token: config.workerToken,
      tls,
      registry: {
        async register(req) {
          const res = await admitWorker(admission, req);
          if (!res.accepted) lastRefusedAt = clock.now();
          return res;
        },
        heartbeat: (req) => registry.heartbeat(req),
        deregister: (req) => registry.deregister(req),
      },
    });
    log.info("Worker lifecycle listening on {host}:{port}", {
      host: config.host,
      port: server.port,
    });
  }
  // removes silent workers even when no placement happens (keeps readiness and metrics true)
  const sweepMs = Math.min(
    30_000,
    Math.max(1_000, Math.floor(config.workerHeartbeatTimeoutMs / 4)),
  );
  const sweeper = setInterval(() => registry.sweep(), sweepMs);
  Deno.unrefTimer(sweeper);

  return {
    registry,
    grpcPort: server?.port,
    reserve(sessionId) {
      const r = registry.reserve(sessionId);
      const ago = lastRefusedAt === undefined ? Infinity : clock.now() - lastRefusedAt;
      if (r.ok || ago > REFUSAL_NOTE_MS) return r;
      const when = Math.max(1, Math.round(ago / 1000));
      return {
        ...r,
        reason: `${r.reason} (a worker that tried to register ${when} s ago was refused; ` +
          "the coordinator's log says why)",
      };
    },
    reserveOn: (sessionId, workerId) => registry.reserveOn(sessionId, workerId),
    release: (sessionId) => registry.release(sessionId),
    workerOf: (sessionId) => registry.workerOf(sessionId),
    full: (workerId) => registry.markFull(workerId),
    leaving: (workerId) => registry.markDraining(workerId),
    evict(workerId, reason) {
      registry.evict(workerId, reason);
      drop(workerId);
    },
    clientFor(workerId) {
      const info = registry.get(workerId);
      if (!info) return Promise.resolve(undefined);
      const cached = clients.get(workerId);
      if (cached && cached.address === info.address) return cached.client;
      if (cached) drop(workerId);
      const client = pool.connect(workerId, info.address, { timeoutMs: CONNECT_TIMEOUT_MS }).then(
        (c) => c as WorkerClient,
        (err) => {
          // admission caught a worker holding another token; this is one whose token
          // changed since: say so, or it looks like a network fault and flaps
          const refused = CodegenError.from(err).code === "UNAUTHENTICATED";
          if (refused) {
            logTokenMismatch(workerId, info.address);
          } else {
            log.warn("Cannot reach worker {workerId} at {address}: {error}", {
              workerId,
              address: info.address,
              error: String(err),
            });
          }
          clients.delete(workerId);
          if (refused) {
            tokenRefused.refuse(workerId, info.address, registry.fingerprintOf(workerId) ?? "");
          }
          registry.evict(workerId, refused ? "refused the coordinator's token" : "unreachable");
          return undefined;
        },
      );
      clients.set(workerId, { address: info.address, client });
      return client;
    },
    async close() {
      clearInterval(sweeper);
      await server?.close();
      for (const id of [...clients.keys()]) drop(id);
      await pool.close();
    },
  };
}
