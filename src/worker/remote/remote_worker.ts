import type { WorkerConfig } from "../../config/mod.ts";
import type { WorkerServiceHandler } from "../../rpc/mod.ts";
import { CodegenError, getLogger, VERSION } from "../../core/mod.ts";
import {
  LifecycleConnection,
  readTlsFiles,
  startWorkerServiceServer,
  type TaskExecutor,
  type TaskTool,
  type TlsPem,
} from "../../rpc/mod.ts";
import { WorkerExecutor } from "../executor.ts";
import { advertisedHost, joinHostPort, parseHostPort } from "./_address.ts";
import { type LifecycleCalls, Registration } from "./registration.ts";
import { createWorkerHandler } from "./worker_handler.ts";
import { WorkerLoad } from "./worker_load.ts";

const log = getLogger("worker", "remote");

/** Every tool a worker executes, as declared at registration. */
export const WORKER_TOOLS: readonly TaskTool[] = [
  "fs.read",
  "fs.write",
  "fs.list",
  "fs.delete",
  "workspace.stats",
  "run.python",
  "pkg.install",
  "test.run",
  "artifact.get",
];

/** Options for {@link startRemoteWorker}; the defaults suit `codegen-mcp worker`. */
export interface RemoteWorkerOptions {
  /** Executor to serve; default a `WorkerExecutor` from the config (closed with the worker). */
  executor?: TaskExecutor;
  /** Register with `config.coordinator`; default true. Off for tests of the service alone. */
  register?: boolean;
  /** Coordinator calls (default: a gRPC `LifecycleConnection` to `config.coordinator`). */
  lifecycle?: LifecycleCalls;
  /** Overrides the heartbeat interval the coordinator asks for (tests). */
  heartbeatIntervalMs?: number;
  /** Registration retry delays; default 250 ms doubling to 15 s. */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * Removes a session (workspace included) unused for this long, so sessions the
   * coordinator forgot (e.g. it restarted without shared state) do not hold slots forever.
   * Default: the time the coordinator gives at registration (twice its SESSION_MAX_AGE
   * plus CLEANUP_INTERVAL); never when it gives none. Set it well above SESSION_MAX_AGE.
   */
  sessionIdleMs?: number;
  /**
   * TLS PEM bytes, read once by the caller's start-up check. Default: read from the files
   * `config` names (no TLS when it names none).
   */
  tls?: TlsPem | undefined;
  /** Wraps the service handler (metrics and tracing, added by the composition root). */
  wrapHandler?: (handler: WorkerServiceHandler) => WorkerServiceHandler;
}

/** A running remote worker. */
export interface RemoteWorker {
  /** The address the worker listens on (`host:port`, the real port when 0 was asked). */
  readonly address: string;
  /** The address given to the coordinator. */
  readonly advertised: string;
  /** Resolves once the coordinator accepted the worker (never, with `register: false`). */
  readonly registered: Promise<void>;
  /**
   * Stops taking sessions and tasks (UNAVAILABLE), lets running tasks finish for up to
   * `graceMs`, cancels the rest, deregisters, shuts the server down.
   */
  drain(graceMs: number): Promise<void>;
  /** Stops at once: cancels running tasks, stops heartbeats, closes the server. */
  close(): Promise<void>;
  /** Current load, for health and metrics. */
  stats(): { activeSessions: number; activeTasks: number; draining: boolean };
}

/** Starts `codegen-mcp worker`: hosts `WorkerService` and keeps it registered. */
export async function startRemoteWorker(
  config: WorkerConfig,
  options: RemoteWorkerOptions = {},
): Promise<RemoteWorker> {
  const ownsExecutor = options.executor === undefined;
  const executor = options.executor ?? new WorkerExecutor({
    workspaceRoot: config.workspaceRoot,
    limits: config.limits,
    insecureNoSandbox: config.insecureNoSandbox,
    pipIndexUrl: config.pipIndexUrl,
  });
  const tls = "tls" in options
    ? options.tls
    : config.tlsCert || config.tlsCa
    ? readTlsFiles({ cert: config.tlsCert, key: config.tlsKey, ca: config.tlsCa })
    : undefined;
  const load = new WorkerLoad(config.maxSessions);
  const { host, port } = parseHostPort(config.listen);
  const handler = createWorkerHandler(executor, load);
  const server = await startWorkerServiceServer(options.wrapHandler?.(handler) ?? handler, {
    host,
    port,
    token: config.workerToken,
    tls,
  }).catch(async (err) => {
    if (ownsExecutor) await executor.close();
    throw err;
  });
  const address = joinHostPort(host, server.port);
  const advertised = config.advertise ?? joinHostPort(advertisedHost(host), server.port);
  log.info("Worker {id} listening on {address}", { id: config.workerId, address });

  let sweeper: ReturnType<typeof setInterval> | undefined;
  let sweepIdleMs: number | undefined;
  function sweepIdleSessions(idleMs: number | undefined): void {
    if (idleMs === sweepIdleMs || load.draining) return;
    clearInterval(sweeper);
    sweepIdleMs = idleMs;
    sweeper = idleMs === undefined ? undefined : startIdleSweep(executor, load, idleMs);
    if (idleMs !== undefined) log.info("Sessions unused for {ms} ms are removed", { ms: idleMs });
  }
  const fixedIdleMs = options.sessionIdleMs;
  if (fixedIdleMs !== undefined) sweepIdleSessions(fixedIdleMs);

  let connection: LifecycleConnection | undefined;
  let registration: Registration | undefined;
  if (options.register !== false) {
    const calls = options.lifecycle ?? (connection = new LifecycleConnection(config.coordinator, {
      token: config.workerToken,
      tls,
    }));
    registration = new Registration({
      calls,
      load,
      registration: {
        workerId: config.workerId,
        address: advertised,
        capabilities: {
          tools: [...WORKER_TOOLS],
          languages: ["python"],
          maxSessions: config.maxSessions,
        },
        version: VERSION,
      },
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      backoff: options.backoff,
      // an explicit option wins over what the coordinator asks for
      onSessionIdle: fixedIdleMs === undefined ? sweepIdleSessions : undefined,
    });
    registration.start();
  }

  let stopping: Promise<void> | undefined;
  async function release(): Promise<void> {
    clearInterval(sweeper);
    connection?.close();
    if (ownsExecutor) await executor.close();
  }

  async function drain(graceMs: number): Promise<void> {
    load.startDraining();
    log.info("Draining: waiting up to {ms} ms for {n} tasks", { ms: graceMs, n: load.activeTasks });
    // Tell the coordinator at once so it stops placing sessions here.
    await registration?.heartbeat();
    if (!(await load.waitForTasks(graceMs))) {
      log.warn("Cancelling {n} tasks still running after the grace period", {
        n: load.activeTasks,
      });
      load.cancelAll(shuttingDown(config.workerId));
      await load.waitForTasks(2_000);
    }
    await registration?.deregister();
    await server.close(1_000);
    await release();
  }

  async function close(): Promise<void> {
    load.startDraining();
    load.cancelAll(shuttingDown(config.workerId));
    await registration?.stop();
    await server.close(0);
    await release();
  }

  return {
    address,
    advertised,
    registered: registration?.accepted ?? new Promise(() => {}),
    stats: () => ({
      activeSessions: load.activeSessions,
      activeTasks: load.activeTasks,
      draining: load.draining,
    }),
    drain: (graceMs) => (stopping ??= drain(graceMs)),
    close: () => (stopping ??= close()),
  };
}

/**
 * Why a task is stopped when the worker shuts down: not the caller's cancel but the
 * worker going away, so it reads WORKER_UNAVAILABLE and may be retried (elsewhere).
 */
function shuttingDown(workerId: string): CodegenError {
  return new CodegenError(
    "WORKER_UNAVAILABLE",
    `Task stopped: worker "${workerId}" is shutting down; run it again`,
    { retriable: true, workerLeaving: true },
  );
}

// Checks a few times per idle period (at most once a minute) and removes idle sessions.
function startIdleSweep(
  executor: TaskExecutor,
  load: WorkerLoad,
  idleMs: number,
): ReturnType<typeof setInterval> {
  let sweeping = false;
  return setInterval(async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const id of load.idleSessions(idleMs)) {
        load.dropSession(id);
        await executor.destroySession(id).catch((err) => {
          log.warn("Cannot remove idle session {id}: {error}", { id, error: String(err) });
        });
        log.info("Removed session {id}: unused for {ms} ms", { id, ms: idleMs });
      }
    } finally {
      sweeping = false;
    }
  }, Math.max(10, Math.min(60_000, Math.floor(idleMs / 4))));
}
