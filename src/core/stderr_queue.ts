/**
 * Log lines on their way to stderr when it is a pipe or a socket: a {@link LineWriter}
 * (queued, written asynchronously one write at a time) that drops new lines while it is
 * full, so a reader that stops reading never blocks the thread that logs nor grows its
 * memory. An MCP client may ignore a server's stderr. A line saying how many were dropped
 * goes out once there is room. The process calls {@link StderrQueue.flush} before it exits,
 * so what was logged is not lost then.
 * @module
 */
import { type ByteSink, LineWriter } from "./line_writer.ts";

/** Bytes queued at most; more lines are dropped until the reader catches up. */
export const MAX_QUEUED_LOG_BYTES = 1024 * 1024;

/** Options of {@link StderrQueue}. */
export interface StderrQueueOptions {
  /** Default {@link MAX_QUEUED_LOG_BYTES}. */
  maxBytes?: number;
  /** The line (with its newline) that reports `count` dropped lines. */
  droppedLine: (count: number) => string;
}

/** Writes lines in order, dropping new ones while too many wait. */
export class StderrQueue {
  #writer: LineWriter;
  #droppedLine: (count: number) => string;
  #dropped = 0;

  constructor(sink: ByteSink, options: StderrQueueOptions) {
    this.#droppedLine = options.droppedLine;
    this.#writer = new LineWriter(sink, {
      maxQueuedBytes: options.maxBytes ?? MAX_QUEUED_LOG_BYTES,
      // nothing to do when the reader is gone (a failed write): stderr is where it is told
      onRoom: () => this.#reportDropped(),
    });
  }

  /** Lines dropped since the last report of them. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues one line (with its newline), or drops it when the queue is full. */
  push(line: string): void {
    if (this.#writer.full) {
      this.#dropped++;
      return;
    }
    this.#reportDropped();
    this.#enqueue(line);
  }

  /** Resolves true once every queued line is written (or the reader is gone), false after `ms`. */
  flush(ms: number): Promise<boolean> {
    return this.#writer.drained(ms);
  }

  // The writer adds each line's newline; a line refused (the reader is gone) is dropped.
  #enqueue(line: string): void {
    const text = line.endsWith("\n") ? line.slice(0, -1) : line;
    this.#writer.push(text, false).catch(() => {});
  }

  // Says how many lines were dropped, now that there is room for the saying.
  #reportDropped(): void {
    if (this.#dropped === 0) return;
    const note = this.#droppedLine(this.#dropped);
    this.#dropped = 0;
    this.#enqueue(note);
  }
}
