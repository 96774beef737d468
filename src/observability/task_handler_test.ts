import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { instrumentTaskHandler, type TaskEnding, type TaskHandlerLike } from "./task_handler.ts";
import { currentTraceId } from "./tracing.ts";
import { createWorkerMetrics } from "./worker_metrics.ts";
import { parsePrometheusText } from "./_testing.ts";
import { installTestTracing } from "./_test_tracing.ts";

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT = `00-${CALLER_TRACE}-00f067aa0ba902b7-01`;

function fakeHandler(clock: FakeClock, endings: TaskEnding[]) {
  const seen: (string | undefined)[] = [];
  return {
    seen,
    limits: () => "limits",
    executeTask(_sessionId: string, _task: { tool: string }, _options: { traceparent?: string }) {
      seen.push(currentTraceId());
      clock.advance(250);
      return Promise.resolve(endings.shift()!);
    },
  };
}

Deno.test("instrumentTaskHandler() runs each task in the caller's trace and counts its outcome", async () => {
  using tracing = installTestTracing();
  const clock = new FakeClock();
  const metrics = createWorkerMetrics();
  const inner = fakeHandler(clock, [
    { ok: true },
    { ok: true, is_error: true, result: { timed_out: false, signal: "SIGXCPU" } },
    { ok: false, error: { code: "CANCELLED" } },
  ]);
  const handler = instrumentTaskHandler(inner, { metrics, clock });
  const task = { tool: "run.python" };
  await handler.executeTask("s-1", task, { traceparent: TRACEPARENT });
  await handler.executeTask("s-1", task, {});
  await handler.executeTask("s-1", task, { traceparent: "bogus" });

  assert.equal(inner.seen[0], CALLER_TRACE);
  assert.notEqual(inner.seen[1], CALLER_TRACE);
  assert.equal(handler.limits(), "limits");
  const [first, , third] = tracing.spans;
  assert.equal(first?.name, "rpc ExecuteTask");
  assert.equal(first?.spanContext().traceId, CALLER_TRACE);
  assert.equal(first?.parentSpanId, "00f067aa0ba902b7");
  assert.equal(first?.attributes["codegen.session_id"], "s-1");
  assert.equal(first?.attributes["codegen.outcome"], "ok");
  assert.equal(third?.attributes["codegen.outcome"], "cancelled");
  assert.equal(third?.attributes["codegen.error_code"], "CANCELLED");

  const s = parsePrometheusText((await metrics.render()).body);
  assert.equal(s.get('codegen_worker_tasks_total{tool="run.python",outcome="ok"}'), 1);
  assert.equal(s.get('codegen_worker_tasks_total{tool="run.python",outcome="error"}'), 1);
  assert.equal(s.get('codegen_worker_tasks_total{tool="run.python",outcome="cancelled"}'), 1);
  assert.equal(s.get('codegen_worker_task_duration_seconds_sum{tool="run.python"}'), 0.75);
  // the worker counts its own sandbox kills, by reason
  assert.equal(s.get('codegen_sandbox_kills_total{reason="cpu"}'), 1);
  assert.equal(s.get('codegen_sandbox_kills_total{reason="cancelled"}'), 1);
});

Deno.test("instrumentTaskHandler() counts a throwing task as an error and rethrows", async () => {
  const metrics = createWorkerMetrics();
  const failing: TaskHandlerLike = {
    executeTask: () => Promise.reject(new Error("executor crashed")),
  };
  const handler = instrumentTaskHandler(failing, { metrics });
  await assert.rejects(handler.executeTask("s-1", { tool: "fs.read" }, {}), /executor crashed/);
  const s = parsePrometheusText((await metrics.render()).body);
  assert.equal(s.get('codegen_worker_tasks_total{tool="fs.read",outcome="error"}'), 1);
});
