import { getLogger } from "../../core/mod.ts";
import { connectionLabel } from "../_connection_label.ts";
import { boundEventStream, MAX_BUFFERED_BYTES } from "./bounded_event_stream.ts";
import type { EventBudget } from "./event_budget.ts";
import { ONE_PER_REQUEST } from "./_message_check.ts";
import { envelopeFault, invalidMessage } from "../_frame_check.ts";
import {
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type MessageExtraInfo,
  type Transport,
} from "../sdk.ts";

/** Interval timers, injected so tests can fire keep-alives without waiting. */
export interface IntervalTimers {
  /** Returns an opaque handle for {@link clearInterval}. */
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const SYSTEM_TIMERS: IntervalTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/** Options of {@link SseServerTransport}. */
export interface SseServerTransportOptions {
  /** Where the client posts its messages; sent as the first (`endpoint`) event. */
  endpoint: string;
  /** Milliseconds between keep-alive comments. Default 25 000. */
  keepAliveMs?: number;
  /** Default: the global `setInterval` / `clearInterval`. */
  timers?: IntervalTimers;
  /**
   * Most bytes of events waiting for a client that does not read its stream; past it the
   * session is closed. Default {@link MAX_BUFFERED_BYTES}.
   */
  maxBufferedBytes?: number;
  /** What every event stream of the server holds, together; past it the largest ends. */
  budget?: EventBudget;
}

/** Outcome of {@link SseServerTransport.deliver}. */
export type DeliverResult = { ok: true } | { ok: false; message: string };

const encoder = new TextEncoder();
const log = getLogger("mcp", "http");

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05) on web-standard streams: server messages
 * go out on {@link body} as `event: message`, client messages arrive through
 * {@link deliver} from `POST /messages`. The SDK's own SSE transport needs Node's http.
 * Cancelling the stream (the client went away) closes the transport.
 */
export class SseServerTransport implements Transport {
  readonly sessionId: string;
  /** The event stream to send as the response body of `GET /sse`. */
  readonly body: ReadableStream<Uint8Array>;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #endpoint: string;
  #keepAliveMs: number;
  #timers: IntervalTimers;
  #timer: unknown;
  #started = false;
  #closed = false;

  constructor(sessionId: string, options: SseServerTransportOptions) {
    this.sessionId = sessionId;
    this.#endpoint = options.endpoint;
    this.#keepAliveMs = options.keepAliveMs ?? 25_000;
    this.#timers = options.timers ?? SYSTEM_TIMERS;
    const events = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => this.close(),
    });
    const maxBufferedBytes = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    // a client that posts requests but does not read their answers would otherwise grow
    // this process's memory without bound
    this.body = boundEventStream(events, {
      maxBufferedBytes,
      ...(options.budget ? { budget: options.budget } : {}),
      onOverflow: (queued, bound) => {
        const limit = bound === "stream"
          ? `limit ${maxBufferedBytes}`
          : `limit ${options.budget?.max} for all streams, and it held the most`;
        const message =
          `Closing SSE session ${connectionLabel(this.sessionId)}: ${queued} bytes of events ` +
          `wait for a client that does not read its stream (${limit})`;
        log.warn(message);
        this.onerror?.(new Error(message));
        // cancelling `events` next would close it too, a moment later
        void this.close();
      },
    });
  }

  /** Whether {@link close} has run (or the client went away). */
  get closed(): boolean {
    return this.#closed;
  }

  start(): Promise<void> {
    if (this.#started) return Promise.reject(new Error("SseServerTransport already started"));
    this.#started = true;
    this.#write(`event: endpoint\ndata: ${this.#endpoint}\n\n`);
    this.#timer = this.#timers.setInterval(() => this.#write(": keepalive\n\n"), this.#keepAliveMs);
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("Not connected"));
    // JSON.stringify without indentation has no newlines, so one `data:` line suffices.
    this.#write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    return Promise.resolve();
  }

  /** Hands one posted JSON value to the server; an invalid JSON-RPC message is refused. */
  deliver(value: unknown, extra?: MessageExtraInfo): DeliverResult {
    if (this.#closed) return { ok: false, message: "Session is closed" };
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) return { ok: false, message: whyInvalid(value) };
    this.onmessage?.(parsed.data, extra);
    return { ok: true };
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    if (this.#timer !== undefined) this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
    try {
      this.#controller.close();
    } catch {
      // Already closed or cancelled by the client.
    }
    this.onclose?.();
    return Promise.resolve();
  }

  #write(text: string): void {
    if (this.#closed) return;
    try {
      this.#controller.enqueue(encoder.encode(text));
    } catch (err) {
      this.onerror?.(err instanceof Error ? err : new Error(String(err)));
      void this.close();
    }
  }
}

// What is wrong with a posted value, by the rules every transport shares.
function whyInvalid(value: unknown): string {
  if (!Array.isArray(value)) return invalidMessage(envelopeFault(value));
  return `Invalid request: batches are not supported over HTTP+SSE; ${ONE_PER_REQUEST}`;
}
