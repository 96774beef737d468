import {
  type Attributes,
  context,
  isSpanContextValid,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { CodegenError, VERSION } from "../core/mod.ts";
import type { ToolOutcome } from "./_metric_types.ts";

/** Instrumentation scope of every span this program makes. */
export const TRACER_NAME = "codegen-mcp";

/** Span attribute keys, stable for queries. */
export const SPAN_ATTRIBUTES = {
  sessionId: "codegen.session_id",
  tool: "codegen.tool",
  outcome: "codegen.outcome",
  errorCode: "codegen.error_code",
  principal: "codegen.principal",
  transport: "codegen.transport",
} as const;

/** What is known about a tool call when it starts. */
export interface ToolSpanAttributes {
  sessionId?: string | undefined;
  /** Who called (a fingerprint, never a secret). */
  principal?: string | undefined;
  transport?: string | undefined;
}

/** The span of one tool call, as its handler sees it. */
export interface ToolSpan {
  /** Records how the call ended; without it a call that returns is "ok". */
  setOutcome(outcome: ToolOutcome, errorCode?: string): void;
  /** Sets the session id once it is known (sessions are created lazily). */
  setSessionId(sessionId: string): void;
}

function tracer() {
  return trace.getTracer(TRACER_NAME, VERSION);
}

/**
 * Runs `fn` with `span` started and made active. A span that records nothing (no tracer
 * provider, or sampled out) is not made active: building a context for it on every call
 * costs more than the call's own work, and any trace id propagated from a caller stays
 * readable from the context that is active already.
 */
function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer().startSpan(name, options);
  if (!span.isRecording()) return fn(span);
  return context.with(trace.setSpan(context.active(), span), fn, undefined, span);
}

/**
 * Runs one tool call in a span named `tool <name>`. A throw marks it "error" with the
 * `CodegenError` code and is rethrown; otherwise the outcome is what `fn` set, or "ok".
 */
export function withToolSpan<T>(
  tool: string,
  attrs: ToolSpanAttributes,
  fn: (span: ToolSpan) => Promise<T>,
): Promise<T> {
  const attributes: Attributes = { [SPAN_ATTRIBUTES.tool]: tool };
  if (attrs.sessionId) attributes[SPAN_ATTRIBUTES.sessionId] = attrs.sessionId;
  if (attrs.principal) attributes[SPAN_ATTRIBUTES.principal] = attrs.principal;
  if (attrs.transport) attributes[SPAN_ATTRIBUTES.transport] = attrs.transport;
  return inSpan(
    `tool ${tool}`,
    { kind: SpanKind.SERVER, attributes },
    async (span) => {
      let outcome: ToolOutcome = "ok";
      let errorCode: string | undefined;
      const handle: ToolSpan = {
        setOutcome(o, code) {
          outcome = o;
          errorCode = code;
        },
        setSessionId: (id) => span.setAttribute(SPAN_ATTRIBUTES.sessionId, id),
      };
      try {
        return await fn(handle);
      } catch (err) {
        const e = CodegenError.from(err);
        outcome = "error";
        errorCode = e.code;
        span.recordException(e);
        throw err;
      } finally {
        finish(span, outcome, errorCode);
      }
    },
  );
}

function finish(span: Span, outcome: ToolOutcome, errorCode: string | undefined): void {
  span.setAttribute(SPAN_ATTRIBUTES.outcome, outcome);
  if (errorCode) span.setAttribute(SPAN_ATTRIBUTES.errorCode, errorCode);
  if (outcome !== "ok") {
    span.setStatus({ code: SpanStatusCode.ERROR, ...(errorCode ? { message: errorCode } : {}) });
  }
  span.end();
}

/** Options of {@link withRpcSpan}. */
export interface RpcSpanOptions<T = unknown> {
  /** "client" on the coordinator (default), "server" on the worker. */
  side?: "client" | "server";
  attributes?: Attributes;
  /** The error code of a result that is a failure though nothing threw (a task outcome). */
  failureOf?: (result: T) => string | undefined;
}

/**
 * Runs one worker RPC in a span named `rpc <method>` (e.g. `rpc ExecuteTask`); a throw, or
 * a result `failureOf` calls failed, marks it failed with the error code.
 */
export function withRpcSpan<T>(
  method: string,
  fn: () => Promise<T>,
  options: RpcSpanOptions<T> = {},
): Promise<T> {
  const attributes: Attributes = {
    "rpc.system": "grpc",
    "rpc.service": "codegen.v1.WorkerService",
    "rpc.method": method,
    ...options.attributes,
  };
  const kind = options.side === "server" ? SpanKind.SERVER : SpanKind.CLIENT;
  return inSpan(`rpc ${method}`, { kind, attributes }, async (span) => {
    try {
      const result = await fn();
      const code = options.failureOf?.(result);
      if (code !== undefined) {
        span.setAttribute(SPAN_ATTRIBUTES.errorCode, code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      }
      return result;
    } catch (err) {
      const e = CodegenError.from(err);
      span.setAttribute(SPAN_ATTRIBUTES.errorCode, e.code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.code });
      span.recordException(e);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The active trace id (32 hex digits) for the audit record; undefined when not tracing. */
export function currentTraceId(): string | undefined {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? span.traceId : undefined;
}
