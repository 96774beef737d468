import type { MetricsSource } from "./_metric_types.ts";
import type { Health } from "./health.ts";

/** Options of {@link healthRoutes}. */
export interface HealthRoutesOptions {
  health: Health;
  /** Served at `/metrics`; without it `/metrics` falls through. */
  metrics?: MetricsSource | undefined;
}

/** A request handler that answers some requests and returns undefined for the rest. */
export type PublicRoutes = (req: Request) => Promise<Response> | undefined;

const NO_STORE = { "cache-control": "no-store" };

/**
 * `GET /healthz`, `GET /readyz` and `GET /metrics` (HEAD too); undefined for anything
 * else, so it can be the MCP HTTP server's `publicRoutes` or the admin server's routes.
 */
export function healthRoutes(options: HealthRoutesOptions): PublicRoutes {
  const { health, metrics } = options;
  return (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") return undefined;
    const path = new URL(req.url).pathname;
    const head = req.method === "HEAD";
    if (path === "/healthz") return Promise.resolve(json(200, health.live(), head));
    if (path === "/readyz") return readyz(health, head);
    if (path === "/metrics" && metrics) return metricsResponse(metrics, head);
    return undefined;
  };
}

async function readyz(health: Health, head: boolean): Promise<Response> {
  const { ok, reasons } = await health.ready();
  return json(ok ? 200 : 503, { status: ok ? "ok" : "unavailable", reasons }, head);
}

async function metricsResponse(metrics: MetricsSource, head: boolean): Promise<Response> {
  try {
    const { contentType, body } = await metrics.render();
    return new Response(head ? null : body, {
      headers: { "content-type": contentType, ...NO_STORE },
    });
  } catch {
    return new Response(head ? null : "Metrics unavailable\n", {
      status: 500,
      headers: { "content-type": "text/plain; charset=utf-8", ...NO_STORE },
    });
  }
}

function json(status: number, value: unknown, head: boolean): Response {
  return new Response(head ? null : JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...NO_STORE },
  });
}
