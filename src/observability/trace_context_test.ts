import assert from "node:assert/strict";
import {
  extractTraceparent,
  formatTraceparent,
  injectTraceparent,
  parseTraceparent,
} from "./trace_context.ts";
import { currentTraceId, withRpcSpan, withToolSpan } from "./tracing.ts";
import { installTestTracing } from "./_test_tracing.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

Deno.test("injectTraceparent() inside a span yields 00-<trace id>-<span id>-01", async () => {
  using tracing = installTestTracing();
  const header = await withToolSpan("echo", {}, () => Promise.resolve(injectTraceparent()));
  const span = tracing.spans[0]!.spanContext();
  assert.equal(header, `00-${span.traceId}-${span.spanId}-01`);
  assert.equal(injectTraceparent(), undefined);
});

Deno.test("extractTraceparent() makes spans started inside join the caller's trace", async () => {
  using tracing = installTestTracing();
  const header = await withToolSpan("run.python", {}, () => Promise.resolve(injectTraceparent()));
  const caller = tracing.spans[0]!.spanContext();
  // the worker side: no active span, only the header from gRPC metadata
  const seen = await extractTraceparent(
    header,
    () => withRpcSpan("ExecuteTask", () => Promise.resolve(currentTraceId()), { side: "server" }),
  );
  const worker = tracing.spans[1]!;
  assert.equal(seen, caller.traceId);
  assert.equal(worker.spanContext().traceId, caller.traceId);
  assert.equal(worker.parentSpanId, caller.spanId);
});

Deno.test("extractTraceparent() runs the function unchanged for a missing or malformed value", async () => {
  using tracing = installTestTracing();
  assert.equal(extractTraceparent(undefined, () => currentTraceId()), undefined);
  assert.equal(extractTraceparent("garbage", () => currentTraceId()), undefined);
  assert.equal(await extractTraceparent("nonsense", () => Promise.resolve(7)), 7);
  assert.equal(tracing.spans.length, 0);
});

Deno.test("parseTraceparent() accepts the W3C format and rejects invalid values", () => {
  assert.deepEqual(parseTraceparent(`00-${TRACE}-${SPAN}-01`), {
    traceId: TRACE,
    spanId: SPAN,
    traceFlags: 1,
    isRemote: true,
  });
  // a later version may add fields
  assert.equal(parseTraceparent(`01-${TRACE}-${SPAN}-00-extra`)?.traceId, TRACE);
  for (
    const bad of [
      `00-${TRACE}-${SPAN}-01-extra`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${"0".repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${"0".repeat(16)}-01`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}`,
      "",
    ]
  ) {
    assert.equal(parseTraceparent(bad), undefined, bad);
  }
});

Deno.test("formatTraceparent() round-trips through parseTraceparent()", () => {
  const span = { traceId: TRACE, spanId: SPAN, traceFlags: 0 };
  assert.equal(formatTraceparent(span), `00-${TRACE}-${SPAN}-00`);
  assert.deepEqual(parseTraceparent(formatTraceparent(span)), { ...span, isRemote: true });
});
