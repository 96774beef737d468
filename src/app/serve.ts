import type { Config } from "../config/mod.ts";
import { getLogger } from "../core/mod.ts";
import { createMcpServer, serveStdio } from "../mcp/mod.ts";
import { startHttpServer } from "../mcp/http/mod.ts";
import {
  createHealth,
  healthRoutes,
  readinessFrom,
  startAdminServer,
} from "../observability/mod.ts";
import { createCoordinator } from "./coordinator.ts";
import { onShutdownSignal } from "./signals.ts";

const log = getLogger("app");

/** `codegen-mcp serve`: runs until the client disconnects (stdio) or a signal arrives. */
export async function runServe(config: Config): Promise<number> {
  const coordinator = await createCoordinator(config, { dropPermissions: true });
  const { deps } = coordinator;
  const closers: (() => Promise<void>)[] = [() => coordinator.close()];
  let listening = false;
  const health = createHealth({
    ready: readinessFrom({
      transportsListening: () => listening,
      workersWithCapacity: () => coordinator.workersWithCapacity(),
      ...(coordinator.redisPing ? { redisPing: coordinator.redisPing } : {}),
    }),
  });
  const routes = healthRoutes({ health, metrics: coordinator.metrics });
  const stopped = Promise.withResolvers<void>();
  const signals = onShutdownSignal(() => {
    health.drain(); // readiness fails first, so load balancers stop sending work
    stopped.resolve();
  });
  try {
    if (config.adminPort !== undefined) {
      const admin = await startAdminServer({ host: config.host, port: config.adminPort, routes });
      closers.push(() => admin.close());
      log.info("Admin endpoints at {url} (/healthz, /readyz, /metrics)", { url: admin.url });
    }
    if (config.transport === "stdio") {
      const stdio = await serveStdio(deps);
      listening = true;
      closers.push(() => stdio.close());
      await Promise.race([stdio.closed, stopped.promise]);
    } else {
      const http = await startHttpServer({
        host: config.host,
        port: config.port,
        authToken: config.mcpAuthToken,
        allowedHosts: config.allowedHosts,
        maxRequestBytes: config.limits.maxRequestBytes,
        createServer: (info) => createMcpServer(deps, info),
        onSessionClosed: (id) => {
          deps.tasks.closeOwner(id);
          void deps.sessions.closeConnection(id);
        },
        publicRoutes: routes,
      });
      listening = true;
      coordinator.onConnectionEnded.add((id) => http.closeSession(id));
      closers.push(() => http.close());
      log.info("Serving MCP over HTTP at {url}/mcp (SSE at {url}/sse)", { url: http.url });
      await stopped.promise;
    }
  } finally {
    listening = false;
    signals.dispose();
    // close in reverse order of start
    for (const close of closers.reverse()) {
      await close().catch((err) =>
        log.error("Shutdown step failed: {error}", { error: String(err) })
      );
    }
  }
  return 0;
}
