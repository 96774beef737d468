import assert from "node:assert/strict";
import { startAdminServer } from "./admin_server.ts";
import { createCoordinatorMetrics } from "./coordinator_metrics.ts";
import { createHealth } from "./health.ts";
import { healthRoutes } from "./health_routes.ts";
import { readinessFrom } from "./readiness.ts";

Deno.test("the admin server serves health, readiness and metrics and 404 elsewhere", async () => {
  let capacity = 1;
  const health = createHealth({
    ready: readinessFrom({ transportsListening: () => true, workersWithCapacity: () => capacity }),
  });
  const metrics = createCoordinatorMetrics();
  metrics.toolCall("echo", "ok", 2);
  await using admin = startAdminServer({
    host: "127.0.0.1",
    port: 0,
    routes: healthRoutes({ health, metrics }),
  });
  assert.equal(admin.url, `http://127.0.0.1:${admin.port}`);
  assert.ok(admin.port > 0);

  let res = await fetch(`${admin.url}/healthz`);
  assert.deepEqual([res.status, await res.json()], [200, { status: "ok" }]);
  res = await fetch(`${admin.url}/readyz`);
  assert.equal(res.status, 200);
  await res.body?.cancel();
  capacity = 0;
  res = await fetch(`${admin.url}/readyz`);
  assert.deepEqual([res.status, (await res.json()).reasons], [503, [
    "no worker with free capacity",
  ]]);
  res = await fetch(`${admin.url}/metrics`);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  assert.match(await res.text(), /^codegen_tool_calls_total\{tool="echo",outcome="ok"\} 1$/m);
  res = await fetch(`${admin.url}/mcp`);
  assert.equal(res.status, 404);
  await res.body?.cancel();
});

Deno.test("closing the admin server stops it listening and can be repeated", async () => {
  const health = createHealth({ ready: () => Promise.resolve({ ok: true, reasons: [] }) });
  const admin = startAdminServer({ host: "127.0.0.1", port: 0, routes: healthRoutes({ health }) });
  const res = await fetch(`${admin.url}/healthz`);
  await res.body?.cancel();
  await admin.close();
  await admin.close();
  await assert.rejects(fetch(`${admin.url}/healthz`), TypeError);
});

Deno.test("a route that throws answers 500 and the server keeps serving", async () => {
  let calls = 0;
  await using admin = startAdminServer({
    host: "127.0.0.1",
    port: 0,
    routes: () => {
      calls++;
      if (calls === 1) throw new Error("broken route");
      return new Response("fine");
    },
  });
  let res = await fetch(`${admin.url}/x`);
  assert.equal(res.status, 500);
  await res.body?.cancel();
  res = await fetch(`${admin.url}/x`);
  assert.equal(await res.text(), "fine");
});
