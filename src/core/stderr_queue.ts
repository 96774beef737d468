/**
 * Log lines on their way to stderr when it is a pipe or a socket: queued in memory and
 * written by asynchronous writes, one at a time, so a reader that stops reading (a full
 * pipe) never blocks the thread that logs. A synchronous write to a full pipe waits inside
 * the kernel with the thread's whole event loop stopped; an MCP client may ignore a
 * server's stderr. Past its bound, new lines are dropped and counted, and a line saying how
 * many goes out once there is room. The process calls {@link StderrQueue.flush} before it
 * exits, so what was logged is not lost then.
 * @module
 */
import { concatBytes } from "./bytes.ts";
import { settlesWithin } from "./within.ts";

/** Bytes queued at most; more lines are dropped until the reader catches up. */
export const MAX_QUEUED_LOG_BYTES = 1024 * 1024;
/** Most bytes one write takes from the queue. */
const MAX_WRITE_BYTES = 64 * 1024;

/** Where the lines go: a `Deno.stderr`-like asynchronous byte sink. */
export interface LogByteSink {
  write(bytes: Uint8Array): Promise<number>;
}

/** Options of {@link StderrQueue}. */
export interface StderrQueueOptions {
  /** Default {@link MAX_QUEUED_LOG_BYTES}. */
  maxBytes?: number;
  /** The line (with its newline) that reports `count` dropped lines. */
  droppedLine: (count: number) => Uint8Array;
}

/** Writes lines in order, one write at a time, dropping new ones while too many wait. */
export class StderrQueue {
  #sink: LogByteSink;
  #max: number;
  #droppedLine: (count: number) => Uint8Array;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #dropped = 0;
  // the write loop; #running is cleared as it ends, in the same turn (its promise settles
  // a turn later, and a line pushed in between would wait for the next push)
  #writing: Promise<void> | undefined;
  #running = false;
  // the reader is gone (a write failed): nothing can be written any more
  #gone = false;

  constructor(sink: LogByteSink, options: StderrQueueOptions) {
    this.#sink = sink;
    this.#max = options.maxBytes ?? MAX_QUEUED_LOG_BYTES;
    this.#droppedLine = options.droppedLine;
  }

  /** Lines dropped since the last report of them. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues one line (with its newline), or drops it when the queue is full. */
  push(line: Uint8Array): void {
    if (this.#gone) return;
    if (this.#queued + line.length > this.#max) {
      this.#dropped++;
      return;
    }
    this.#reportDropped();
    this.#enqueue(line);
  }

  /** Resolves true once every queued line is written (or the reader is gone), false after `ms`. */
  async flush(ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (this.#running && this.#writing) {
      const left = deadline - performance.now();
      if (left <= 0 || !await settlesWithin(this.#writing, left)) return false;
    }
    return true;
  }

  #enqueue(line: Uint8Array): void {
    this.#queue.push(line);
    this.#queued += line.length;
    if (!this.#running) this.#writing = this.#run();
  }

  // Says how many lines were dropped, once there is room for the saying.
  #reportDropped(): void {
    if (this.#dropped === 0) return;
    const note = this.#droppedLine(this.#dropped);
    // an empty queue takes it whatever its size, so it is told even under a tiny bound
    if (this.#queued > 0 && this.#queued + note.length > this.#max) return;
    this.#dropped = 0;
    this.#enqueue(note);
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#take();
        try {
          for (let done = 0; done < batch.length;) {
            done += await this.#sink.write(batch.subarray(done));
          }
        } catch {
          // nowhere left to say so: stderr is where failures are told
          this.#gone = true;
          this.#queue = [];
          this.#queued = 0;
          return;
        }
        this.#queued -= batch.length;
        this.#reportDropped();
      }
    } finally {
      this.#running = false;
    }
  }

  // The oldest lines, joined up to MAX_WRITE_BYTES (at least one line).
  #take(): Uint8Array {
    let count = 0;
    let bytes = 0;
    for (const line of this.#queue) {
      if (count > 0 && bytes + line.length > MAX_WRITE_BYTES) break;
      count++;
      bytes += line.length;
    }
    return concatBytes(this.#queue.splice(0, count));
  }
}
