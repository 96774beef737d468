import {
  type Config,
  isLoopbackHost,
  type ListenTarget,
  pathFailure,
  SETTING,
} from "../config/mod.ts";
import { formatDuration, getLogger } from "../core/mod.ts";
import { createMcpServer, serveStdio } from "../mcp/mod.ts";
import { startHttpServer } from "../mcp/http/mod.ts";
import {
  createHealth,
  healthRoutes,
  readinessFrom,
  startAdminServer,
} from "../observability/mod.ts";
import { createCoordinator } from "./coordinator.ts";
import { drainHttp } from "./http_drain.ts";
import { Endings } from "./endings.ts";
import { onShutdownSignal, survivePastFileSizeLimit } from "./signals.ts";
import { listenOn, probeListen } from "./startup_checks.ts";
import { checkProcessCeiling } from "./process_ceiling.ts";

const log = getLogger("app");
/** How long a stop waits for the HTTP sessions it closed to have ended (workspaces removed). */
const SESSION_END_GRACE_MS = 10_000;

/** The start-up warning for an HTTP front any network peer can reach without a token. */
export function exposureWarning(config: Config): string | undefined {
  if (config.transport !== "http" || config.mcpAuthToken || isLoopbackHost(config.host)) {
    return undefined;
  }
  return `HTTP on non-loopback host "${config.host}" without MCP_AUTH_TOKEN: anyone who can ` +
    "reach the port can run code; set MCP_AUTH_TOKEN";
}

function httpTarget(config: Config): ListenTarget {
  return {
    host: config.host,
    port: config.port,
    hostSetting: SETTING.host,
    portSetting: SETTING.port,
  };
}

// Creates the directories the coordinator writes before anything starts, so an unusable
// path is reported once, naming its setting, instead of deep inside a thread's start-up.
async function preparePaths(config: Config): Promise<void> {
  const slash = config.auditLog.lastIndexOf("/");
  const auditDir = slash < 0 ? "." : config.auditLog.slice(0, slash) || "/";
  const dirs: [string, string, string][] = [[auditDir, config.auditLog, SETTING.auditLog]];
  if (config.localWorkers > 0) {
    dirs.push([config.workspaceRoot, config.workspaceRoot, SETTING.workspaceRoot]);
  }
  for (const [dir, path, setting] of dirs) {
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw pathFailure(err, path, setting);
    }
  }
}

/** `codegen-mcp serve`: runs until the client disconnects (stdio) or a signal arrives. */
export async function runServe(config: Config): Promise<number> {
  survivePastFileSizeLimit();
  const exposed = exposureWarning(config);
  if (exposed) log.warn(exposed);
  if (config.localWorkers > 0) {
    checkProcessCeiling(config.limits, { insecure: config.insecureNoSandbox });
  }
  await preparePaths(config);
  // the HTTP address first: a host that cannot be bound then names the address the user
  // gave (--port), not the gRPC or admin listener the coordinator binds on the same host
  if (config.transport === "http") probeListen(httpTarget(config));
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
  // a second signal while the HTTP front drains stops it at once
  const hurry = Promise.withResolvers<void>();
  let signalled = false;
  const signals = onShutdownSignal(() => {
    if (signalled) return hurry.resolve();
    signalled = true;
    health.drain(); // readiness fails first, so load balancers stop sending work
    stopped.resolve();
  });
  try {
    if (config.adminPort !== undefined) {
      const { adminPort: port, host } = config;
      const admin = await listenOn(
        { host, port, hostSetting: SETTING.host, portSetting: SETTING.adminPort },
        () => startAdminServer({ host, port, routes }),
      );
      closers.push(() => admin.close());
    }
    if (config.transport === "stdio") {
      const stdio = await serveStdio(deps);
      listening = true;
      closers.push(() => stdio.close());
      await Promise.race([stdio.closed, stopped.promise]);
    } else {
      const ending = new Endings("Ending an HTTP session");
      const http = await listenOn(httpTarget(config), () =>
        startHttpServer({
          host: config.host,
          port: config.port,
          authToken: config.mcpAuthToken,
          allowedHosts: config.allowedHosts,
          maxRequestBytes: config.limits.maxRequestBytes,
          maxSessions: config.limits.maxHttpSessions,
          createServer: (info) => createMcpServer(deps, info),
          onSessionClosed: (id) => {
            deps.tasks.closeOwner(id);
            const closed = deps.sessions.closeConnection(id);
            ending.add(closed);
            return closed;
          },
          // with an admin port, metrics are served there only: whoever reaches the MCP port
          // (any client) need not read them; health and readiness stay for load balancers
          publicRoutes: config.adminPort === undefined ? routes : healthRoutes({ health }),
        }));
      listening = true;
      // a session ended by expiry: its client's next request is told so, with its 404
      const expired = `it expired after ${formatDuration(config.sessionMaxAgeMs)} without use ` +
        "and its files were removed";
      coordinator.onConnectionEnded.add((id) => http.closeSession(id, { reason: expired }));
      // after the HTTP front closed its sessions, before the workers close: their workspaces
      // are removed (a stop used to leave every live session's files behind)
      closers.push(() => ending.settled(SESSION_END_GRACE_MS));
      closers.push(() => http.close());
      log.info("Serving MCP over HTTP at {mcp} (SSE at {sse})", {
        url: http.url,
        mcp: `${http.url}/mcp`,
        sse: `${http.url}/sse`,
      });
      await stopped.promise;
      const running = () => deps.inFlight?.count ?? 0;
      await drainHttp({ drain: () => http.drain(), running }, config.drainGraceMs, hurry.promise);
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
