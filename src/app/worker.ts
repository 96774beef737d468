import { parseHostPort, SETTING, type WorkerConfig } from "../config/mod.ts";
import { getLogger } from "../core/mod.ts";
import {
  createHealth,
  createWorkerMetrics,
  healthRoutes,
  instrumentTaskHandler,
  startAdminServer,
} from "../observability/mod.ts";
import { routeGrpcLogs } from "../rpc/mod.ts";
import { startRemoteWorker } from "../worker/remote/mod.ts";
import { onShutdownSignal, survivePastFileSizeLimit } from "./signals.ts";
import { listenOn, loadTls, prepareWorkspaceRoot, probeListen } from "./startup_checks.ts";
import { checkProcessCeiling } from "./process_ceiling.ts";

const log = getLogger("app", "worker");

/**
 * `codegen-mcp worker`: serves WorkerService, stays registered, exposes /healthz, /readyz
 * and /metrics on `--admin-port`, and on SIGTERM/SIGINT drains (finishes or cancels
 * in-flight tasks within the grace period), deregisters and exits 0.
 */
export async function runWorker(config: WorkerConfig): Promise<number> {
  survivePastFileSizeLimit();
  routeGrpcLogs();
  let stats = () => ({ activeSessions: 0, activeTasks: 0, draining: false });
  const metrics = createWorkerMetrics({
    activeSessions: () => stats().activeSessions,
    tasksInFlight: () => stats().activeTasks,
  });
  let registered = false;
  checkProcessCeiling(config.limits, { insecure: config.insecureNoSandbox });
  // read once: the bytes checked are the bytes used
  const tls = loadTls(config);
  // before it listens or registers: a worker that cannot make sessions must not look ready
  const workspaceRoot = await prepareWorkspaceRoot(config.workspaceRoot);
  const { host, port } = parseHostPort(config.listen);
  probeListen({ host, port, hostSetting: SETTING.listen, portSetting: SETTING.listen });
  const worker = await startRemoteWorker({ ...config, workspaceRoot }, {
    tls,
    wrapHandler: (handler) => instrumentTaskHandler(handler, { metrics }),
  });
  stats = () => worker.stats();
  void worker.registered.then(() => registered = true);
  const health = createHealth({
    ready: () => {
      const reasons: string[] = [];
      if (!registered) reasons.push("not registered with the coordinator");
      if (worker.stats().draining) reasons.push("draining");
      return Promise.resolve({ ok: reasons.length === 0, reasons });
    },
  });
  // the admin listener binds the same host as the gRPC listener (0.0.0.0 in a pod)
  const adminPort = config.adminPort;
  const admin = adminPort === undefined ? undefined : await listenOn(
    { host, port: adminPort, hostSetting: SETTING.listen, portSetting: SETTING.adminPort },
    () => startAdminServer({ host, port: adminPort, routes: healthRoutes({ health, metrics }) }),
  );
  log.info("Worker {workerId} listening on {address}, advertised as {advertised}", {
    workerId: config.workerId,
    address: worker.address,
    advertised: worker.advertised,
    ...(admin ? { admin: admin.url } : {}),
  });
  const stop = Promise.withResolvers<void>();
  const signals = onShutdownSignal(() => {
    health.drain();
    stop.resolve();
  });
  try {
    await stop.promise;
    log.info("Draining worker {workerId} (grace {graceMs} ms)", {
      workerId: config.workerId,
      graceMs: config.drainGraceMs,
    });
    await worker.drain(config.drainGraceMs);
  } finally {
    signals.dispose();
    await admin?.close();
  }
  log.info("Worker {workerId} stopped", { workerId: config.workerId });
  return 0;
}
