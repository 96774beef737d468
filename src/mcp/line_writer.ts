/**
 * The stdio transport's output: lines queued in memory and written by asynchronous writes,
 * so a client that stops reading stdout (a full pipe) never blocks the serving thread —
 * health checks, remote workers' heartbeats and the session sweep go on. A synchronous write
 * to a full pipe would wait inside the kernel with the whole event loop stopped.
 *
 * `Deno.stdout.write` runs on a helper thread and leaves the descriptor blocking; switching
 * fd 1 to non-blocking (a Node socket) would change the file description it may share
 * with stderr or with the client's other processes.
 * @module
 */
import { getLogger, settlesWithin } from "../core/mod.ts";

const log = getLogger("mcp", "stdio");
const encoder = new TextEncoder();

/** Where lines go: a `Deno.stdout`-like asynchronous byte sink. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<number>;
}

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
  // batches not yet written, oldest first; the last takes new lines unless it is in the sink
  #queue: Batch[] = [];
  #inSink: Batch | undefined;
  #queued = 0;
  #writing = false;
  #scheduled = false;
  #idle: PromiseWithResolvers<void> | undefined;

  /**
   * @param maxQueuedBytes above this many bytes waiting, {@link full} is true
   * @param onRoom called when a write finishes with the queue below the bound again
   */
  constructor(sink: ByteSink, maxQueuedBytes: number, onRoom: () => void) {
    this.#sink = sink;
    this.#maxQueued = maxQueuedBytes;
    this.#onRoom = onRoom;
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
    let batch = this.#queue[this.#queue.length - 1];
    if (!batch || batch === this.#inSink) {
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

  /** Resolves true once every queued line is written, or false after `ms`. */
  async drained(ms: number): Promise<boolean> {
    if (this.#queue.length === 0) return true;
    this.#idle ??= Promise.withResolvers();
    return await settlesWithin(this.#idle.promise, ms) && this.#queue.length === 0;
  }

  async #run(): Promise<void> {
    if (this.#writing) return; // the running loop takes what was queued meanwhile
    this.#writing = true;
    try {
      for (let batch = this.#queue[0]; batch; batch = this.#queue[0]) {
        this.#inSink = batch;
        try {
          await this.#writeAll(encoder.encode(batch.lines.join("\n") + "\n"));
          batch.written.resolve();
        } catch (err) {
          log.warn("Cannot write to stdout: {error}", { error: String(err) });
          batch.written.reject(err);
        }
        this.#queue.shift();
        this.#inSink = undefined;
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

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.#sink.write(bytes.subarray(written));
  }
}
