import assert from "node:assert/strict";
import { createWorkerMetrics } from "./worker_metrics.ts";
import { metricTypes, parsePrometheusText } from "./_testing.ts";

Deno.test("worker metrics count tasks, durations and kills and read their gauges", async () => {
  let inFlight = 1;
  const metrics = createWorkerMetrics({ activeSessions: () => 4, tasksInFlight: () => inFlight });
  metrics.task("run.python", "ok", 120);
  metrics.task("run.python", "cancelled", 900);
  metrics.sandboxKill("cancelled");
  inFlight = 0;
  const { body, contentType } = await metrics.render();
  assert.match(contentType, /^text\/plain/);
  const s = parsePrometheusText(body);
  assert.equal(s.get('codegen_worker_tasks_total{tool="run.python",outcome="ok"}'), 1);
  assert.equal(s.get('codegen_worker_tasks_total{tool="run.python",outcome="cancelled"}'), 1);
  assert.equal(s.get('codegen_worker_task_duration_seconds_count{tool="run.python"}'), 2);
  assert.equal(s.get('codegen_sandbox_kills_total{reason="cancelled"}'), 1);
  assert.equal(s.get("codegen_worker_active_sessions"), 4);
  assert.equal(s.get("codegen_worker_tasks_in_flight"), 0);
  const types = metricTypes(body);
  for (const name of ["process_resident_memory_bytes", "process_uptime_seconds"]) {
    assert.equal(types.get(name), "gauge");
  }
  assert.equal(types.has("codegen_tool_calls_total"), false);
});
