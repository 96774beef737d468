import { concatBytes, getLogger } from "../core/mod.ts";
import type { JSONRPCMessage, Transport } from "./sdk.ts";

const log = getLogger("mcp", "stdio");
const NEWLINE = 10;
/** Bytes read from stdin at a time. */
const READ_CHUNK_BYTES = 64 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Where a {@link StdioTransport} reads and writes; defaults are the process's stdio. */
export interface StdioTransportOptions {
  /** Default: the process's stdin, read directly (no stream machinery per chunk). */
  input?: ReadableStream<Uint8Array>;
  output?: { writeSync(bytes: Uint8Array): number };
  /** Longest accepted line; a longer one is dropped (and reported) without closing. */
  maxLineBytes: number;
}

/**
 * Newline-delimited JSON-RPC over stdin/stdout read and written directly. Unlike the SDK's
 * Node-stream transport, a line is bounded: an over-long frame is skipped up to its newline
 * and the connection keeps serving, and no Node `Buffer` is built per chunk.
 */
export class StdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;
  #input: ReadableStream<Uint8Array> | undefined;
  #output: { writeSync(bytes: Uint8Array): number };
  #max: number;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #closed = false;

  constructor(options: StdioTransportOptions) {
    this.#input = options.input;
    this.#output = options.output ?? Deno.stdout;
    this.#max = options.maxLineBytes;
  }

  start(): Promise<void> {
    let next: () => Promise<Uint8Array | null>;
    if (this.#input) {
      const reader = this.#reader = this.#input.getReader();
      next = async () => (await reader.read()).value ?? null;
    } else {
      // the buffer is reused: #pump copies what it keeps past the current chunk
      const buffer = new Uint8Array(READ_CHUNK_BYTES);
      next = async () => {
        const n = await Deno.stdin.read(buffer);
        return n === null ? null : buffer.subarray(0, n);
      };
    }
    void this.#pump(next);
    return Promise.resolve();
  }

  async #pump(next: () => Promise<Uint8Array | null>): Promise<void> {
    let parts: Uint8Array[] = [];
    let size = 0;
    let skipping = false;
    try {
      for (;;) {
        const value = await next();
        if (value === null || this.#closed) break;
        let start = 0;
        for (let nl = value.indexOf(NEWLINE); nl !== -1; nl = value.indexOf(NEWLINE, start)) {
          if (!skipping && size + nl - start <= this.#max) {
            parts.push(value.subarray(start, nl));
            this.#deliver(concatBytes(parts));
          }
          parts = [];
          size = 0;
          skipping = false;
          start = nl + 1;
        }
        const rest = value.length - start;
        if (skipping || rest === 0) continue;
        if (size + rest > this.#max) {
          skipping = true;
          parts = [];
          size = 0;
          this.onerror?.(new Error(`Dropped a message over ${this.#max} bytes`));
          continue;
        }
        parts.push(value.slice(start)); // the chunk's buffer may be reused by the reader
        size += rest;
      }
    } catch (err) {
      if (!this.#closed) this.onerror?.(err instanceof Error ? err : new Error(String(err)));
    }
    await this.close();
  }

  #deliver(bytes: Uint8Array): void {
    let text = decoder.decode(bytes);
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() === "") return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (err) {
      // a malformed frame is dropped; the connection keeps serving
      this.onerror?.(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    // only the envelope is checked here: the protocol layer validates each message's shape
    // (and drops what is neither request, notification nor response), so a full schema
    // parse here would be done twice on every message
    if (!isEnvelope(message)) {
      this.onerror?.(new Error("Dropped a frame that is not a JSON-RPC 2.0 message"));
      return;
    }
    this.onmessage?.(message);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("stdio transport is closed"));
    const bytes = encoder.encode(JSON.stringify(message) + "\n");
    try {
      let written = 0;
      while (written < bytes.length) written += this.#output.writeSync(bytes.subarray(written));
      return Promise.resolve();
    } catch (err) {
      log.warn("Cannot write to stdout: {error}", { error: String(err) });
      return Promise.reject(err);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reader?.cancel().catch(() => {});
    this.onclose?.();
  }
}

function isEnvelope(value: unknown): value is JSONRPCMessage {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    (value as { jsonrpc?: unknown }).jsonrpc === "2.0";
}
