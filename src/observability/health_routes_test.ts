import assert from "node:assert/strict";
import { createCoordinatorMetrics } from "./coordinator_metrics.ts";
import { createHealth } from "./health.ts";
import { healthRoutes } from "./health_routes.ts";
import { readinessFrom } from "./readiness.ts";
import { parsePrometheusText } from "./_testing.ts";

function setup() {
  const state = { capacity: 1 };
  const health = createHealth({
    ready: readinessFrom({
      transportsListening: () => true,
      workersWithCapacity: () => state.capacity,
    }),
  });
  const metrics = createCoordinatorMetrics({ activeSessions: () => 2 });
  return { state, routes: healthRoutes({ health, metrics }) };
}

function get(path: string, method = "GET"): Request {
  return new Request(`http://127.0.0.1${path}`, { method });
}

Deno.test("GET /healthz answers 200 with status ok", async () => {
  const res = await setup().routes(get("/healthz"));
  assert.equal(res?.status, 200);
  assert.equal(res?.headers.get("content-type"), "application/json");
  assert.deepEqual(await res?.json(), { status: "ok" });
});

Deno.test("GET /readyz flips between 200 and 503 as worker capacity comes and goes", async () => {
  const { state, routes } = setup();
  let res = await routes(get("/readyz"));
  assert.equal(res?.status, 200);
  assert.deepEqual(await res?.json(), { status: "ok", reasons: [] });
  state.capacity = 0;
  res = await routes(get("/readyz"));
  assert.equal(res?.status, 503);
  assert.deepEqual(await res?.json(), {
    status: "unavailable",
    reasons: ["no worker with free capacity"],
  });
  state.capacity = 1;
  res = await routes(get("/readyz?verbose=1"));
  assert.equal(res?.status, 200);
  await res?.body?.cancel();
});

Deno.test("GET /metrics serves Prometheus text with its content type", async () => {
  const res = await setup().routes(get("/metrics"));
  assert.equal(res?.status, 200);
  assert.match(res?.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const samples = parsePrometheusText(await res!.text());
  assert.equal(samples.get("codegen_active_sessions"), 2);
});

Deno.test("HEAD /readyz answers the status without a body", async () => {
  const { state, routes } = setup();
  state.capacity = 0;
  const res = await routes(get("/readyz", "HEAD"));
  assert.equal(res?.status, 503);
  assert.equal(res?.body, null);
});

Deno.test("other paths and methods fall through as undefined", () => {
  const { routes } = setup();
  assert.equal(routes(get("/mcp")), undefined);
  assert.equal(routes(get("/healthz/extra")), undefined);
  assert.equal(routes(get("/metrics", "POST")), undefined);
});

Deno.test("/metrics falls through when no metrics are given", () => {
  const health = createHealth({ ready: () => Promise.resolve({ ok: true, reasons: [] }) });
  assert.equal(healthRoutes({ health })(get("/metrics")), undefined);
});

Deno.test("GET /metrics answers 500 when rendering fails", async () => {
  const health = createHealth({ ready: () => Promise.resolve({ ok: true, reasons: [] }) });
  const metrics = { render: () => Promise.reject(new Error("boom")) };
  const res = await healthRoutes({ health, metrics })(get("/metrics"));
  assert.equal(res?.status, 500);
  await res?.body?.cancel();
});
