/**
 * A child for http_server_fd_limit_test.ts, run under a small RLIMIT_NOFILE: serves the
 * echo MCP server on a free port of 127.0.0.1 and writes the port to stdout.
 * @module
 */
import { startHttpServer } from "../http_server.ts";
import { serverOptions } from "../_testing.ts";

const ok = () => Promise.resolve(new Response("ok"));
const http = await startHttpServer(serverOptions({
  publicRoutes: (req) => new URL(req.url).pathname === "/healthz" ? ok() : undefined,
}));
await Deno.stdout.write(new TextEncoder().encode(`${http.port}\n`));
