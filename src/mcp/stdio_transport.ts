import { type ByteSink, concatBytes, getLogger, LineWriter, settlesWithin } from "../core/mod.ts";
import { ErrorCode, type JSONRPCMessage, type Transport } from "./sdk.ts";
import { type ChunkSource, stdinSource, streamSource } from "./stdin_source.ts";
import { firstBytes, FRAME_EDGE_BYTES, frameRequestId, lastBytes } from "./_frame_id.ts";
import { batchesAllowed, errorFrame, ONE_PER_LINE, refuseFrame } from "./_frame_check.ts";
import { BatchAnswers, splitBatch } from "./_stdio_batches.ts";
import { answerId, cancelledRequestId } from "./_cancelled_id.ts";

const log = getLogger("mcp", "stdio");
const NEWLINE = 10;
const decoder = new TextDecoder();
/** Default for {@link StdioTransportOptions.maxInFlight}. */
export const MAX_IN_FLIGHT = 256;
/** Default for {@link StdioTransportOptions.maxQueuedBytes}. */
export const MAX_QUEUED_OUTPUT_BYTES = 64 * 1024 * 1024;
/** How long closing waits for the client to read what is still queued for it. */
const CLOSE_FLUSH_MS = 5_000;

/** Where a {@link StdioTransport} reads and writes; defaults are the process's stdio. */
export interface StdioTransportOptions {
  /** Default: the process's stdin (see stdin_source.ts). */
  input?: ReadableStream<Uint8Array>;
  /** Where answers go: for the process's stdout, a `ThreadStdout` (./stdout_sink.ts). */
  output: ByteSink;
  /**
   * Longest accepted line; a longer one is dropped without closing, answered with an error
   * when its request id can be read from its ends, and logged.
   */
  maxLineBytes: number;
  /**
   * How long requests still running at the end of input may take; those still running
   * then are answered CANCELLED. Default: as long as they take (every call is bounded by
   * its own timeout), so piping a file of requests gets every answer.
   */
  endGraceMs?: number;
  /**
   * Most requests read and not yet answered; at this many, input is not read until one is
   * answered, so a client that sends requests faster than they finish waits in its own
   * write instead of growing this process's memory without bound. Default
   * {@link MAX_IN_FLIGHT}.
   */
  maxInFlight?: number;
  /**
   * Most output bytes waiting for the client to read them. Past it no more input is read
   * (its answers could not be sent either) and notifications (progress, logging) are
   * dropped with a warning; answers are always kept, bounded by maxInFlight. Default
   * {@link MAX_QUEUED_OUTPUT_BYTES}.
   */
  maxQueuedBytes?: number;
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
  #output: LineWriter;
  #dropped = 0;
  #max: number;
  #source: ChunkSource | undefined;
  #closed = false;
  // requests read but not yet answered, by id (a client may reuse an id while a request
  // with it runs: each counts); at the end of input they may still answer
  #pending = new Map<string | number, number>();
  #inFlight = 0;
  #maxInFlight: number;
  // the pump waiting for an answer to free a place (see maxInFlight)
  #room: (() => void) | undefined;
  #settled: (() => void) | undefined;
  #endGraceMs: number | undefined;
  // the protocol version the initialize answer gave (batches depend on it)
  #initializeId: string | number | undefined;
  #version: string | undefined;
  #batches = new BatchAnswers();

  constructor(options: StdioTransportOptions) {
    this.#input = options.input;
    this.#output = new LineWriter(options.output, {
      maxQueuedBytes: options.maxQueuedBytes ?? MAX_QUEUED_OUTPUT_BYTES,
      onRoom: () => this.#wakePump(),
      // no answer can reach a client that closed its end of stdout: the connection ends
      // (as at the end of input, but without waiting for answers), so the calls it made stop
      onGone: () => void this.close(),
      onError: (err) => log.warn("Cannot write to stdout: {error}", { error: String(err) }),
    });
    this.#max = options.maxLineBytes;
    this.#endGraceMs = options.endGraceMs;
    this.#maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
  }

  start(): Promise<void> {
    // a chunk may be reused by the source: #pump copies what it keeps past it
    const source = this.#source = this.#input ? streamSource(this.#input) : stdinSource();
    void this.#pump(source);
    return Promise.resolve();
  }

  async #pump(source: ChunkSource): Promise<void> {
    let parts: Uint8Array[] = [];
    let size = 0;
    // a line over the limit: its first and last bytes (for its id) and its length so far
    let skipped: { head: Uint8Array; tail: Uint8Array; bytes: number } | undefined;
    try {
      for (;;) {
        const value = await source.next();
        if (value === null || this.#closed) break;
        let start = 0;
        for (let nl = value.indexOf(NEWLINE); nl !== -1; nl = value.indexOf(NEWLINE, start)) {
          const piece = value.subarray(start, nl);
          if (!skipped && size + piece.length <= this.#max) {
            parts.push(piece);
            this.#deliver(concatBytes(parts));
            // the chunk is not pulled past while waiting: `value` stays valid
            if (this.#mustWait()) await this.#roomForMore();
            if (this.#closed) break;
          } else {
            skipped = this.#skip(skipped, { parts, size }, piece);
            this.#refuse(skipped);
          }
          parts = [];
          size = 0;
          skipped = undefined;
          start = nl + 1;
        }
        const rest = value.subarray(start);
        if (rest.length === 0) continue;
        if (skipped || size + rest.length > this.#max) {
          skipped = this.#skip(skipped, { parts, size }, rest);
          parts = [];
          size = 0;
          continue;
        }
        parts.push(rest.slice()); // the chunk's buffer may be reused by the reader
        size += rest.length;
      }
      // input ended: a last line without its newline is still a message
      if (skipped) this.#refuse(skipped);
      else if (parts.length > 0 && !this.#closed) this.#deliver(concatBytes(parts));
      // the client closed its side: what it already asked is still answered (bounded)
      await this.#answered(this.#endGraceMs);
    } catch (err) {
      if (!this.#closed) this.onerror?.(err instanceof Error ? err : new Error(String(err)));
    }
    await this.close();
  }

  // Goes on skipping a line over the limit: `kept` holds its bytes (and their count) kept
  // until it went over.
  #skip(
    skipped: { head: Uint8Array; tail: Uint8Array; bytes: number } | undefined,
    kept: { parts: Uint8Array[]; size: number },
    more: Uint8Array,
  ): { head: Uint8Array; tail: Uint8Array; bytes: number } {
    if (skipped) {
      return {
        ...skipped,
        tail: lastBytes(skipped.tail, more, FRAME_EDGE_BYTES),
        bytes: skipped.bytes + more.length,
      };
    }
    const { parts } = kept;
    const last = parts.length > 0 ? parts[parts.length - 1]! : new Uint8Array(0);
    return {
      head: firstBytes(parts, more, FRAME_EDGE_BYTES),
      tail: lastBytes(last, more, FRAME_EDGE_BYTES),
      bytes: kept.size + more.length,
    };
  }

  // An over-long line: logged, and answered when its request id can be read.
  #refuse(skipped: { head: Uint8Array; tail: Uint8Array; bytes: number }): void {
    const id = frameRequestId(decoder.decode(skipped.head), decoder.decode(skipped.tail));
    log.warn("Dropped a message of {bytes} bytes: over the limit of {max} (MAX_REQUEST_BYTES)", {
      bytes: skipped.bytes,
      max: this.#max,
      id,
    });
    if (id === undefined || this.#closed) return;
    const message = `Request of ${skipped.bytes} bytes exceeds the limit of ${this.#max} bytes ` +
      "(MAX_REQUEST_BYTES)";
    this.#sendError(id, message);
  }

  // Reading more input waits while maxInFlight requests are unanswered or the client is
  // behind reading the output.
  #mustWait(): boolean {
    return this.#inFlight >= this.#maxInFlight || this.#output.full;
  }

  async #roomForMore(): Promise<void> {
    while (this.#mustWait() && !this.#closed) {
      await new Promise<void>((resolve) => this.#room = resolve);
    }
  }

  #wakePump(): void {
    const room = this.#room;
    this.#room = undefined;
    room?.();
  }

  #track(id: string | number): void {
    this.#pending.set(id, (this.#pending.get(id) ?? 0) + 1);
    this.#inFlight++;
  }

  // One request with this id was answered (or cancelled: it gets no answer).
  #untrack(id: string | number): void {
    const count = this.#pending.get(id);
    if (count === undefined) return;
    if (count > 1) this.#pending.set(id, count - 1);
    else this.#pending.delete(id);
    this.#inFlight--;
    this.#wakePump();
    if (this.#inFlight === 0) this.#settled?.();
  }

  /** Resolves once every request read so far is answered, or after `ms` when given. */
  async #answered(ms: number | undefined): Promise<void> {
    if (this.#inFlight === 0) return;
    const settled = new Promise<void>((resolve) => this.#settled = resolve);
    await (ms === undefined ? settled : settlesWithin(settled, ms));
    this.#settled = undefined;
  }

  #deliver(bytes: Uint8Array): void {
    let text = decoder.decode(bytes);
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      // a malformed frame is logged and answered (it has no id to answer); the connection
      // keeps serving
      const error = err instanceof Error ? err : new Error(String(err));
      this.onerror?.(error);
      const detail = `Parse error: ${error.message}; ${ONE_PER_LINE}`;
      this.#sendError(undefined, detail, ErrorCode.ParseError);
      return;
    }
    if (Array.isArray(parsed) && parsed.length > 0 && batchesAllowed(this.#version)) {
      this.#deliverBatch(parsed);
      return;
    }
    // only the envelope is checked here: the protocol layer validates each message's shape,
    // so a full schema parse here would be done twice on every message; what it would drop
    // without a word is answered here
    const refusals = refuseFrame(parsed, this.#version);
    if (refusals.length > 0) {
      this.onerror?.(new Error(`Dropped a frame: ${refusals[0]!.message}`));
      for (const r of refusals) this.#sendError(r.id, r.message);
      return;
    }
    this.#admit(parsed as JSONRPCMessage);
    this.onmessage?.(parsed as JSONRPCMessage);
  }

  // A message refuseFrame let through: counted when a request; a cancel stops the wait
  // for the answer of the request it names.
  #admit(message: JSONRPCMessage): void {
    if ("method" in message && "id" in message) {
      if (message.method === "initialize") this.#initializeId = message.id;
      this.#track(message.id);
    } else {
      // a cancelled request gets no answer: do not wait for one
      const id = cancelledRequestId(message);
      if (id !== undefined) {
        this.#untrack(id);
        const complete = this.#batches.drop(id);
        if (complete) this.#push(complete).catch(() => {});
      }
    }
  }

  // A batch, at the protocol version that has them: each message is checked and delivered
  // as a line of its own would be; the answers go out together, as one array.
  #deliverBatch(items: unknown[]): void {
    const split = splitBatch(items);
    if (typeof split === "string") return this.#sendError(undefined, split);
    const { accepted, errors } = split;
    const ids = accepted.flatMap((m) => "method" in m && "id" in m ? [m.id] : []);
    // opened before any runs, so no answer can come before its batch waits for it
    const now = this.#batches.open(ids, errors);
    if (now) this.#push(now).catch(() => {});
    for (const message of accepted) {
      this.#admit(message);
      this.onmessage?.(message);
    }
  }

  // A JSON-RPC error (Invalid Request by default) for a frame the SDK never sees; without
  // an id when none could be read, which MCP's schema allows for an error.
  #sendError(
    id: string | number | undefined,
    message: string,
    code: number = ErrorCode.InvalidRequest,
  ): void {
    if (this.#closed) return;
    // not send() nor #write(): the refused frame was never counted nor is in a batch, so its
    // answer must not stand for that of a request still running under the same id
    this.#push(errorFrame(id, message, code)).catch(() => {});
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("stdio transport is closed"));
    const isNotification = "method" in message && !("id" in message);
    if (isNotification && this.#output.full) {
      // answers are kept, not these: the queue is past its bound (a client slow to read,
      // or large answers waiting to go out)
      if (this.#dropped++ % 1000 === 0) {
        log.warn("Dropped {dropped} notification(s): more output waits than the bound allows", {
          dropped: this.#dropped,
        });
      }
      return Promise.resolve();
    }
    const id = answerId(message);
    if (id !== undefined) {
      this.#untrack(id);
      if (id === this.#initializeId && "result" in message) {
        const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
        if (typeof version === "string") this.#version = version;
      }
    }
    return this.#write(message, id);
  }

  // An answer (to request `id`) that belongs to a batch waits for the batch's other answers.
  #write(message: JSONRPCMessage, id = answerId(message)): Promise<void> {
    if (id !== undefined) {
      const batch = this.#batches.answer(id, message);
      if (batch.held) return batch.complete ? this.#push(batch.complete) : Promise.resolve();
    }
    return this.#push(message);
  }

  // With other requests still open, answers that complete together (e.g. calls whose
  // audit records were stored in one round trip) go out in one write, as each write
  // wakes the client; with none open, nothing could join, so write at once.
  #push(value: JSONRPCMessage | JSONRPCMessage[]): Promise<void> {
    return this.#output.push(JSON.stringify(value), this.#inFlight > 0);
  }

  /**
   * Closes the transport. Requests read but not answered yet (the server is stopping: a
   * signal, or the end-of-input grace ran out) are answered with a CANCELLED error first:
   * a client gets one answer per request it sent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#inFlight > 0) {
      log.warn("Stopping with {count} request(s) still running; answering them CANCELLED", {
        count: this.#inFlight,
      });
    }
    const error = {
      code: ErrorCode.ConnectionClosed,
      message: "CANCELLED: the server stopped before this request finished",
    };
    for (const [id, count] of [...this.#pending]) {
      // one answer per request, also when several share the id
      for (let i = 0; i < count; i++) this.send({ jsonrpc: "2.0", id, error }).catch(() => {});
    }
    this.#closed = true;
    this.#settled?.();
    this.#wakePump();
    // what is queued (those answers too) still reaches a client that reads, within a bound
    if (!await this.#output.drained(CLOSE_FLUSH_MS)) {
      log.warn("Closing with output the client did not read within {ms} ms", {
        ms: CLOSE_FLUSH_MS,
      });
    }
    this.#output.close();
    await this.#source?.close();
    this.onclose?.();
  }
}
