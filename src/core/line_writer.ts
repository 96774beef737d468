/**
 * Lines queued in memory and written by asynchronous writes, one at a time: the stdio
 * transport's answers on stdout (src/mcp/stdout_sink.ts writes them on a thread of their
 * own) and log lines on a piped stderr (stderr_queue.ts). A reader that stops reading (a
 * full pipe) never blocks the thread that writes: a synchronous write to a full pipe would
 * wait inside the kernel with the whole event loop stopped.
 * @module
 */
import { settlesWithin } from "./within.ts";

const encoder = new TextEncoder();

/** Where lines go: a `Deno.stdout`-like asynchronous byte sink. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<number>;
  /** For a sink that buffers: resolves true once its bytes are out, false after `ms`. */
  drained?(ms: number): Promise<boolean>;
  /** Releases what the sink holds; bytes not yet out are dropped. */
  close?(): void;
}

/** Options of {@link LineWriter}. */
export interface LineWriterOptions {
  /** Above this many bytes waiting, {@link LineWriter.full} is true. */
  maxQueuedBytes: number;
  /** Called when a write finishes with the queue below the bound again. */
  onRoom: () => void;
  /**
   * Called once when a write finds the reader gone (a broken pipe): nothing written from
   * then on could reach it. Default: none.
   */
  onGone?: (error: Error) => void;
  /** Told of each failed write (before onGone, if the reader is gone). Default: none. */
  onError?: (error: unknown) => void;
}

/**
 * Lines queued while a write is under way join one batch up to about this many bytes:
 * a client that reads again after a long pause gets its backlog in writes of this size,
 * not in one that would encode the whole backlog (up to the bound) at once.
 */
export const MAX_WRITE_BYTES = 1024 * 1024;

interface Batch {
  lines: string[];
  bytes: number;
  written: PromiseWithResolvers<void>;
}

/**
 * Writes lines in order, one write at a time; lines that arrive while a write is under way
 * go out together in the next one. Queued bytes are counted so the caller can stop taking
 * work (and drop what it can afford to lose) while the reader is behind.
 */
export class LineWriter {
  #sink: ByteSink;
  #maxQueued: number;
  #onRoom: () => void;
  #onGone: ((error: Error) => void) | undefined;
  #onError: ((error: unknown) => void) | undefined;
  // batches not yet written, oldest first; while #writing, the first is in the sink, and
  // the last takes new lines unless it is that one (or full)
  #queue: Batch[] = [];
  #queued = 0;
  #writing = false;
  #scheduled = false;
  #idle: PromiseWithResolvers<void> | undefined;
  // the error that showed the reader is gone: every line from then on is refused with it
  #gone: Error | undefined;

  constructor(sink: ByteSink, options: LineWriterOptions) {
    this.#sink = sink;
    this.#maxQueued = options.maxQueuedBytes;
    this.#onRoom = options.onRoom;
    this.#onGone = options.onGone;
    this.#onError = options.onError;
  }

  /** Whether the reader is so far behind that more output should wait or be dropped. */
  get full(): boolean {
    return this.#queued >= this.#maxQueued;
  }

  /**
   * Queues `line` (without its newline); resolves once it is written, rejects if the write
   * fails. `soon`: write at the end of this turn, so lines produced together share one
   * write (each write wakes the client); otherwise start writing now.
   */
  push(line: string, soon: boolean): Promise<void> {
    if (this.#gone) return Promise.reject(this.#gone);
    let batch = this.#queue[this.#queue.length - 1];
    const inSink = this.#writing && batch === this.#queue[0];
    if (!batch || inSink || batch.bytes >= MAX_WRITE_BYTES) {
      batch = { lines: [], bytes: 0, written: Promise.withResolvers() };
      this.#queue.push(batch);
    }
    batch.lines.push(line);
    const bytes = line.length + 1; // UTF-16 units: close enough to bound memory
    batch.bytes += bytes;
    this.#queued += bytes;
    if (soon) {
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          void this.#run();
        });
      }
    } else {
      void this.#run();
    }
    return batch.written.promise;
  }

  /**
   * Resolves true once no line waits (each written, or refused as the reader is gone), or
   * false after `ms`.
   */
  async drained(ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    if (this.#queue.length > 0) {
      this.#idle ??= Promise.withResolvers();
      if (!await settlesWithin(this.#idle.promise, ms) || this.#queue.length > 0) return false;
    }
    if (this.#gone || !this.#sink.drained) return true;
    return await this.#sink.drained(Math.max(0, deadline - performance.now()));
  }

  /** Releases the sink (see {@link ByteSink.close}); call after {@link drained}. */
  close(): void {
    this.#sink.close?.();
  }

  async #run(): Promise<void> {
    if (this.#writing) return; // the running loop takes what was queued meanwhile
    this.#writing = true;
    try {
      for (let batch = this.#queue[0]; batch; batch = this.#queue[0]) {
        try {
          if (this.#gone) throw this.#gone;
          await this.#writeAll(encoder.encode(batch.lines.join("\n") + "\n"));
          batch.written.resolve();
        } catch (err) {
          this.#failed(err);
          batch.written.reject(err);
        }
        this.#queue.shift();
        const wasFull = this.full;
        this.#queued -= batch.bytes;
        if (wasFull && !this.full) this.#onRoom();
      }
    } finally {
      this.#writing = false;
      this.#idle?.resolve();
      this.#idle = undefined;
    }
  }

  // A failed write is told; one that found no reader ends all writing (see onGone).
  #failed(err: unknown): void {
    if (this.#gone) return; // a batch refused after the reader went: said once already
    this.#onError?.(err);
    if (err instanceof Deno.errors.BrokenPipe || err instanceof Deno.errors.ConnectionReset) {
      this.#gone = err;
      this.#onGone?.(err);
    }
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.#sink.write(bytes.subarray(written));
  }
}
