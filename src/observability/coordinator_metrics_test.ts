import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { createCoordinatorMetrics } from "./coordinator_metrics.ts";
import { metricTypes, parsePrometheusText } from "./_testing.ts";

async function samples(metrics: { render(): Promise<{ body: string }> }) {
  return parsePrometheusText((await metrics.render()).body);
}

Deno.test("toolCall() counts calls by tool and outcome and observes their duration", async () => {
  const metrics = createCoordinatorMetrics();
  metrics.toolCall("fs.read", "ok", 3);
  metrics.toolCall("fs.read", "ok", 40);
  metrics.toolCall("fs.read", "denied", 1);
  metrics.toolCall("run.python", "error", 2500);
  const s = await samples(metrics);
  assert.equal(s.get('codegen_tool_calls_total{tool="fs.read",outcome="ok"}'), 2);
  assert.equal(s.get('codegen_tool_calls_total{tool="fs.read",outcome="denied"}'), 1);
  assert.equal(s.get('codegen_tool_calls_total{tool="run.python",outcome="error"}'), 1);
  assert.equal(s.get('codegen_tool_duration_seconds_count{tool="fs.read"}'), 3);
  const sum = s.get('codegen_tool_duration_seconds_sum{tool="fs.read"}') ?? 0;
  assert.ok(Math.abs(sum - 0.044) < 1e-9, `sum ${sum}`);
  assert.equal(s.get('codegen_tool_duration_seconds_bucket{le="0.001",tool="fs.read"}'), 1);
  assert.equal(s.get('codegen_tool_duration_seconds_bucket{le="0.005",tool="fs.read"}'), 2);
  assert.equal(s.get('codegen_tool_duration_seconds_bucket{le="60",tool="run.python"}'), 1);
  assert.equal(s.get('codegen_tool_duration_seconds_bucket{le="1",tool="run.python"}'), 0);
});

Deno.test("toolCall() labels tools outside the known list as unknown", async () => {
  const metrics = createCoordinatorMetrics({}, { tools: ["echo"] });
  metrics.toolCall("echo", "ok", 1);
  metrics.toolCall("no.such.tool", "error", 1);
  const s = await samples(metrics);
  assert.equal(s.get('codegen_tool_calls_total{tool="echo",outcome="ok"}'), 1);
  assert.equal(s.get('codegen_tool_calls_total{tool="unknown",outcome="error"}'), 1);
  assert.ok(![...s.keys()].some((k) => k.includes("no.such.tool")));
});

Deno.test("gauges read their providers at every scrape", async () => {
  let sessions = 2;
  const metrics = createCoordinatorMetrics({
    activeSessions: () => sessions,
    workersRegistered: () => 3,
    workersHealthy: () => Promise.resolve(2),
    tasksInFlight: () => 5,
  });
  let s = await samples(metrics);
  assert.equal(s.get("codegen_active_sessions"), 2);
  assert.equal(s.get("codegen_workers_registered"), 3);
  assert.equal(s.get("codegen_workers_healthy"), 2);
  assert.equal(s.get("codegen_tasks_in_flight"), 5);
  sessions = 7;
  s = await samples(metrics);
  assert.equal(s.get("codegen_active_sessions"), 7);
});

Deno.test("a gauge whose provider is omitted is not exported", async () => {
  const metrics = createCoordinatorMetrics({ activeSessions: () => 1 });
  const types = metricTypes((await metrics.render()).body);
  assert.equal(types.get("codegen_active_sessions"), "gauge");
  assert.equal(types.has("codegen_workers_registered"), false);
});

Deno.test("a provider that throws reads NaN, not its last value, and the scrape goes on", async () => {
  let down = false;
  const metrics = createCoordinatorMetrics({
    activeSessions: () => {
      if (down) throw new Error("store down");
      return 3;
    },
    tasksInFlight: () => 4,
  });
  assert.equal((await samples(metrics)).get("codegen_active_sessions"), 3);
  down = true;
  const s = await samples(metrics);
  assert.equal(s.get("codegen_tasks_in_flight"), 4);
  assert.ok(Number.isNaN(s.get("codegen_active_sessions")));
  down = false;
  assert.equal((await samples(metrics)).get("codegen_active_sessions"), 3);
});

Deno.test("sandbox kills and audit records are counted, every kill reason starting at zero", async () => {
  const metrics = createCoordinatorMetrics();
  let s = await samples(metrics);
  assert.equal(s.get('codegen_sandbox_kills_total{reason="timeout"}'), 0);
  assert.equal(s.get('codegen_sandbox_kills_total{reason="memory"}'), 0);
  assert.equal(s.get("codegen_audit_records_total"), 0);
  metrics.sandboxKill("timeout");
  metrics.sandboxKill("timeout");
  metrics.sandboxKill("cpu");
  metrics.auditRecord();
  s = await samples(metrics);
  assert.equal(s.get('codegen_sandbox_kills_total{reason="timeout"}'), 2);
  assert.equal(s.get('codegen_sandbox_kills_total{reason="cpu"}'), 1);
  assert.equal(s.get("codegen_audit_records_total"), 1);
});

Deno.test("process metrics come from Deno.memoryUsage() and the clock", async () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const metrics = createCoordinatorMetrics({}, { clock, startTimeMs: clock.now() - 90_000 });
  const s = await samples(metrics);
  assert.equal(s.get("process_start_time_seconds"), Date.UTC(2026, 0, 1) / 1000 - 90);
  assert.equal(s.get("process_uptime_seconds"), 90);
  assert.ok((s.get("process_resident_memory_bytes") ?? 0) > 1_000_000);
  assert.ok((s.get("process_heap_bytes") ?? 0) > 100_000);
});

Deno.test("render() returns Prometheus text with its content type and every metric name", async () => {
  const metrics = createCoordinatorMetrics({
    activeSessions: () => 0,
    workersRegistered: () => 0,
    workersHealthy: () => 0,
    tasksInFlight: () => 0,
  });
  metrics.toolCall("echo", "ok", 1);
  const { contentType, body } = await metrics.render();
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  const types = metricTypes(body);
  assert.deepEqual(Object.fromEntries(types), {
    codegen_tool_calls_total: "counter",
    codegen_tool_duration_seconds: "histogram",
    codegen_sandbox_kills_total: "counter",
    codegen_audit_records_total: "counter",
    codegen_active_sessions: "gauge",
    codegen_workers_registered: "gauge",
    codegen_workers_healthy: "gauge",
    codegen_tasks_in_flight: "gauge",
    process_resident_memory_bytes: "gauge",
    process_heap_bytes: "gauge",
    process_start_time_seconds: "gauge",
    process_uptime_seconds: "gauge",
  });
  parsePrometheusText(body);
});

Deno.test("two coordinators' metrics do not share a registry", async () => {
  const a = createCoordinatorMetrics();
  const b = createCoordinatorMetrics();
  a.toolCall("echo", "ok", 1);
  const s = await samples(b);
  assert.equal(s.has('codegen_tool_calls_total{tool="echo",outcome="ok"}'), false);
});
