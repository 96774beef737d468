import {
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from "@opentelemetry/api";

const TRACEPARENT = "traceparent";
const FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * W3C Trace Context (`traceparent` only) as an API propagator. Used directly rather than
 * through the global one, which is a no-op unless an SDK (e.g. `OTEL_DENO=true`) set it.
 */
export class TraceparentPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter = defaultTextMapSetter): void {
    const span = trace.getSpanContext(ctx);
    if (!span || !isSpanContextValid(span)) return;
    setter.set(carrier, TRACEPARENT, formatTraceparent(span));
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter = defaultTextMapGetter): Context {
    const raw = getter.get(carrier, TRACEPARENT);
    const value = Array.isArray(raw) ? raw[0] : raw;
    const span = value === undefined ? undefined : parseTraceparent(value);
    return span ? trace.setSpanContext(ctx, span) : ctx;
  }

  fields(): string[] {
    return [TRACEPARENT];
  }
}

const PROPAGATOR = new TraceparentPropagator();

/** `00-<trace id>-<span id>-<flags>` for a span context. */
export function formatTraceparent(span: SpanContext): string {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/** A remote span context from a `traceparent` value; undefined when it is not valid. */
export function parseTraceparent(value: string): SpanContext | undefined {
  const match = FORMAT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // version ff is forbidden; version 00 has exactly four fields
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  const span: SpanContext = {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: parseInt(flags!, 16),
    isRemote: true,
  };
  return isSpanContextValid(span) ? span : undefined;
}

/** The active span as a `traceparent` value for gRPC metadata; undefined outside a span. */
export function injectTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  PROPAGATOR.inject(context.active(), carrier);
  return carrier[TRACEPARENT];
}

/**
 * Runs `fn` with the remote span from `traceparent` as parent, so spans it starts join
 * the caller's trace. A missing or malformed value runs `fn` in the current context.
 */
export function extractTraceparent<T>(traceparent: string | undefined, fn: () => T): T {
  if (traceparent === undefined) return fn();
  const active = context.active();
  const extracted = PROPAGATOR.extract(active, { [TRACEPARENT]: traceparent });
  return extracted === active ? fn() : context.with(extracted, fn);
}
