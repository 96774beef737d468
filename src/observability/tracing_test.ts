import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { CodegenError } from "../core/mod.ts";
import { currentTraceId, withRpcSpan, withToolSpan } from "./tracing.ts";
import { installTestTracing } from "./_test_tracing.ts";

Deno.test("withToolSpan() records a span named after the tool with its attributes", async () => {
  using tracing = installTestTracing();
  let inside: string | undefined;
  const value = await withToolSpan(
    "fs.read",
    { sessionId: "s-1", principal: "p-1", transport: "stdio" },
    async () => {
      await Promise.resolve();
      inside = currentTraceId();
      return 42;
    },
  );
  assert.equal(value, 42);
  const [span] = tracing.spans;
  assert.ok(span);
  assert.equal(span.name, "tool fs.read");
  assert.equal(span.kind, SpanKind.SERVER);
  assert.equal(span.ended, true);
  assert.deepEqual(span.attributes, {
    "codegen.tool": "fs.read",
    "codegen.session_id": "s-1",
    "codegen.principal": "p-1",
    "codegen.transport": "stdio",
    "codegen.outcome": "ok",
  });
  assert.equal(inside, span.spanContext().traceId);
  assert.match(inside ?? "", /^[0-9a-f]{32}$/);
  assert.equal(currentTraceId(), undefined);
});

Deno.test("withToolSpan() keeps the outcome and error code the handler set", async () => {
  using tracing = installTestTracing();
  await withToolSpan("fs.write", {}, (span) => {
    span.setSessionId("s-late");
    span.setOutcome("denied", "PATH_VIOLATION");
    return Promise.resolve();
  });
  const span = tracing.spans[0]!;
  assert.equal(span.attributes["codegen.session_id"], "s-late");
  assert.equal(span.attributes["codegen.outcome"], "denied");
  assert.equal(span.attributes["codegen.error_code"], "PATH_VIOLATION");
  assert.equal(span.status.code, SpanStatusCode.ERROR);
});

Deno.test("withToolSpan() marks a throw as error with its code and rethrows it", async () => {
  using tracing = installTestTracing();
  const failure = new CodegenError("TIMEOUT", "Ran past 30s");
  await assert.rejects(withToolSpan("run.python", {}, () => Promise.reject(failure)), failure);
  const span = tracing.spans[0]!;
  assert.equal(span.attributes["codegen.outcome"], "error");
  assert.equal(span.attributes["codegen.error_code"], "TIMEOUT");
  assert.equal(span.exceptions.length, 1);
  assert.equal(span.ended, true);
});

Deno.test("withRpcSpan() makes a client span that is a child of the tool span", async () => {
  using tracing = installTestTracing();
  await withToolSpan("run.python", {}, () => withRpcSpan("ExecuteTask", () => Promise.resolve()));
  const [tool, rpc] = tracing.spans;
  assert.ok(tool && rpc);
  assert.equal(rpc.name, "rpc ExecuteTask");
  assert.equal(rpc.kind, SpanKind.CLIENT);
  assert.equal(rpc.attributes["rpc.method"], "ExecuteTask");
  assert.equal(rpc.attributes["rpc.system"], "grpc");
  assert.equal(rpc.parentSpanId, tool.spanContext().spanId);
  assert.equal(rpc.spanContext().traceId, tool.spanContext().traceId);
});

Deno.test("withRpcSpan() records a failed call's code and rethrows", async () => {
  using tracing = installTestTracing();
  const lost = new CodegenError("WORKER_UNAVAILABLE", "Worker gone", { retriable: true });
  await assert.rejects(withRpcSpan("CreateSession", () => Promise.reject(lost)), lost);
  const span = tracing.spans[0]!;
  assert.equal(span.attributes["codegen.error_code"], "WORKER_UNAVAILABLE");
  assert.equal(span.status.code, SpanStatusCode.ERROR);
});

Deno.test("withRpcSpan() marks a failed outcome failed, though nothing threw", async () => {
  using tracing = installTestTracing();
  const failureOf = (o: { ok: boolean; code?: string }) => o.ok ? undefined : o.code;
  await withRpcSpan("ExecuteTask", () => Promise.resolve({ ok: false, code: "NOT_FOUND" }), {
    failureOf,
  });
  await withRpcSpan("ExecuteTask", () => Promise.resolve({ ok: true }), { failureOf });
  const [failed, fine] = tracing.spans;
  assert.equal(failed?.attributes["codegen.error_code"], "NOT_FOUND");
  assert.equal(failed?.status.code, SpanStatusCode.ERROR);
  assert.equal(fine?.status.code, SpanStatusCode.UNSET);
  assert.equal(fine?.attributes["codegen.error_code"], undefined);
});

Deno.test("without a registered tracer provider spans are no-ops and there is no trace id", async () => {
  const seen = await withToolSpan("echo", {}, () => Promise.resolve(currentTraceId()));
  assert.equal(seen, undefined);
});
