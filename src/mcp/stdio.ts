import { getLogger, RANDOM_IDS } from "../core/mod.ts";
import type { McpDeps } from "./context.ts";
import { StdioTransport } from "./stdio_transport.ts";
import { ThreadStdout } from "./stdout_sink.ts";
import { createMcpServer } from "./server.ts";

const log = getLogger("mcp");

/** A running stdio server. */
export interface StdioHandle {
  /** Resolves when the client closes stdin (or `close` is called). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Serves one MCP connection over stdin/stdout (the desktop-client default). */
export async function serveStdio(
  deps: McpDeps,
  options: { principal?: string } = {},
): Promise<StdioHandle> {
  const conn = {
    sessionId: RANDOM_IDS.next(),
    principal: options.principal ?? "local:stdio",
    transport: "stdio" as const,
  };
  const server = createMcpServer(deps, conn);
  // frames the transport or the SDK could not use (bad JSON, not JSON-RPC, over the size
  // limit) are dropped without closing the connection; say so
  server.server.onerror = (err) =>
    log.warn("Dropped a message: {error}", { error: withoutFrame(err.message) });
  const transport = new StdioTransport({
    maxLineBytes: deps.config.limits.maxRequestBytes,
    output: deps.stdout ?? await ThreadStdout.start(),
  });
  const { promise: closed, resolve } = Promise.withResolvers<void>();
  transport.onclose = () => resolve();
  await server.connect(transport);
  log.info("Serving MCP over stdio");
  const done = closed.then(async () => {
    // background tasks first: closing the connection waits for its calls to stop
    deps.tasks.closeOwner(conn.sessionId);
    await deps.sessions.closeConnection(conn.sessionId);
  });
  return {
    closed: done,
    async close() {
      await server.close();
      await done;
    },
  };
}

/**
 * An error's words without the frame they quote: the SDK (and JSON.parse) end theirs with
 * the message, or a piece of it, which may hold a caller's secrets (a run's `env`, a
 * token) and be megabytes long.
 */
export function withoutFrame(message: string): string {
  const cut = message.search(/[{["]/);
  if (cut < 0) return message.slice(0, 300);
  return `${message.slice(0, Math.min(cut, 300)).trimEnd()} [${
    message.length - cut
  } characters quoting the message not logged]`;
}
