import { getLogger, keepServing } from "../core/mod.ts";

const log = getLogger("observability");

/** Options of {@link startAdminServer}. */
export interface AdminServerOptions {
  /** Address to bind, e.g. "0.0.0.0" for a Kubernetes probe, "127.0.0.1" otherwise. */
  host: string;
  /** Port to bind (`--admin-port`); 0 picks a free one. */
  port: number;
  /** Answers what it knows (e.g. {@link healthRoutes}); undefined becomes 404. */
  routes: (req: Request) => Response | Promise<Response> | undefined;
}

/** A running admin listener. */
export interface AdminServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:9090`. */
  url: string;
  port: number;
  /** Stops listening after in-flight requests finish. */
  close(): Promise<void>;
}

/** Serves health, readiness and metrics on a port of their own, without auth. */
export function startAdminServer(options: AdminServerOptions): AdminServer {
  const { routes } = options;
  const server = keepServing(
    { hostname: options.host, port: options.port, name: "Admin" },
    async (req) => {
      try {
        return (await routes(req)) ?? notFound();
      } catch (err) {
        log.error("Admin request failed: {error}", { error: String(err) });
        return new Response("Internal error\n", { status: 500 });
      }
    },
  );
  const port = server.addr.port;
  const host = server.addr.hostname.includes(":")
    ? `[${server.addr.hostname}]`
    : server.addr.hostname;
  const url = `http://${host}:${port}`;
  log.info("Admin endpoints at {url} (/healthz, /readyz, /metrics)", { url });
  let closing: Promise<void> | undefined;
  const close = () => closing ??= server.shutdown();
  return { url, port, close, [Symbol.asyncDispose]: close };
}

function notFound(): Response {
  return new Response("Not found\n", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
