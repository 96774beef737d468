// In-memory tracing for tests: a TracerProvider and a ContextManager written against the
// @opentelemetry/api interfaces only, registered globally for the length of a test.
import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  type ContextManager,
  type Exception,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  trace,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";

/** A finished or running span as the test sees it. */
export class RecordedSpan implements Span {
  readonly name: string;
  readonly kind: SpanKind | undefined;
  readonly attributes: Attributes;
  readonly parentSpanId: string | undefined;
  readonly exceptions: Exception[] = [];
  status: SpanStatus = { code: 0 };
  ended = false;
  #context: SpanContext;

  constructor(name: string, options: SpanOptions, parent: SpanContext | undefined) {
    this.name = name;
    this.kind = options.kind;
    this.attributes = { ...options.attributes };
    this.parentSpanId = parent?.spanId;
    this.#context = {
      traceId: parent?.traceId ?? randomHex(16),
      spanId: randomHex(8),
      traceFlags: 1,
    };
  }

  spanContext(): SpanContext {
    return this.#context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(_link: Link): this {
    return this;
  }
  addLinks(_links: Link[]): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(): this {
    return this;
  }
  end(_endTime?: TimeInput): void {
    this.ended = true;
  }
  isRecording(): boolean {
    return !this.ended;
  }
  recordException(exception: Exception): void {
    this.exceptions.push(exception);
  }
}

class MemoryTracer implements Tracer {
  readonly #spans: RecordedSpan[];

  constructor(spans: RecordedSpan[]) {
    this.#spans = spans;
  }

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = context.active()): Span {
    const parent = options.root ? undefined : trace.getSpanContext(ctx);
    const span = new RecordedSpan(name, options, parent);
    this.#spans.push(span);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: unknown[]
  ): ReturnType<F> {
    const fn = rest.pop() as (span: Span) => ReturnType<F>;
    const [options, ctx] = rest as [SpanOptions | undefined, Context | undefined];
    const parentCtx = ctx ?? context.active();
    const span = this.startSpan(name, options, parentCtx);
    return context.with(trace.setSpan(parentCtx, span), fn, undefined, span);
  }
}

class MemoryTracerProvider implements TracerProvider {
  readonly spans: RecordedSpan[] = [];
  getTracer(): Tracer {
    return new MemoryTracer(this.spans);
  }
}

class AsyncLocalContextManager implements ContextManager {
  #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/** Spans recorded while installed; disposing unregisters the provider and context manager. */
export interface TestTracing extends Disposable {
  readonly spans: RecordedSpan[];
}

/** Registers the in-memory provider and an AsyncLocalStorage context manager globally. */
export function installTestTracing(): TestTracing {
  const provider = new MemoryTracerProvider();
  if (!context.setGlobalContextManager(new AsyncLocalContextManager())) {
    throw new Error("A context manager is already registered");
  }
  trace.setGlobalTracerProvider(provider);
  return {
    spans: provider.spans,
    [Symbol.dispose]() {
      trace.disable();
      context.disable();
    },
  };
}

function randomHex(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(raw, (b) => b.toString(16).padStart(2, "0")).join("");
}
