import type { Config } from "../config/mod.ts";
import { getLogger } from "../core/mod.ts";
import { createMcpServer, serveStdio } from "../mcp/mod.ts";
import { startHttpServer } from "../mcp/http/mod.ts";
import { createCoordinator } from "./coordinator.ts";
import { onShutdownSignal } from "./signals.ts";

const log = getLogger("app");

/** `codegen-mcp serve`: runs until the client disconnects (stdio) or a signal arrives. */
export async function runServe(config: Config): Promise<number> {
  const coordinator = await createCoordinator(config);
  const { deps } = coordinator;
  const closers: (() => Promise<void>)[] = [() => coordinator.close()];
  const stopped = Promise.withResolvers<void>();
  const signals = onShutdownSignal(() => stopped.resolve());
  try {
    if (config.transport === "stdio") {
      const stdio = await serveStdio(deps);
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
      });
      coordinator.onConnectionEnded.add((id) => http.closeSession(id));
      closers.push(() => http.close());
      log.info("Serving MCP over HTTP at {url}/mcp (SSE at {url}/sse)", { url: http.url });
      await stopped.promise;
    }
  } finally {
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
