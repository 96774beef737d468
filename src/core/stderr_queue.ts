/**
 * Log lines on their way to stderr when it is a pipe or a socket: a {@link LineWriter}
 * (queued, written asynchronously one write at a time) that drops lines while it is full,
 * so a reader that stops reading never blocks the thread that logs nor grows its memory.
 * An MCP client may ignore a server's stderr. While full, the latest few lines are held
 * back rather than dropped, since the last lines before a stop say why it stopped: once
 * there is room, a line says how many were dropped, then the held lines follow. The
 * process calls {@link StderrQueue.flush} before it exits, so what was logged last is not
 * lost then.
 * @module
 */
import { type ByteSink, LineWriter } from "./line_writer.ts";

/** Bytes queued at most; more lines are dropped until the reader catches up. */
export const MAX_QUEUED_LOG_BYTES = 1024 * 1024;
/** Lines (and bytes of them) held back while the queue is full: the latest ones. */
const HELD_LINES = 32;
const HELD_BYTES = 64 * 1024;

/** Options of {@link StderrQueue}. */
export interface StderrQueueOptions {
  /** Default {@link MAX_QUEUED_LOG_BYTES}. */
  maxBytes?: number;
  /** The line (with its newline) that reports `count` dropped lines. */
  droppedLine: (count: number) => string;
  /** Latest lines held back while full; default 32. */
  heldLines?: number;
}

/** Writes lines in order, dropping new ones while too many wait. */
export class StderrQueue {
  #writer: LineWriter;
  #droppedLine: (count: number) => string;
  #dropped = 0;
  // the latest lines pushed while full, oldest first, and their size
  #held: string[] = [];
  #heldBytes = 0;
  #maxHeld: number;

  constructor(sink: ByteSink, options: StderrQueueOptions) {
    this.#droppedLine = options.droppedLine;
    this.#maxHeld = options.heldLines ?? HELD_LINES;
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

  /**
   * Queues one line (with its newline); while the queue is full, holds it back instead,
   * dropping the oldest line held when there are too many.
   */
  push(line: string): void {
    if (this.#writer.full) {
      this.#held.push(line);
      this.#heldBytes += line.length;
      while (
        this.#held.length > this.#maxHeld ||
        (this.#heldBytes > HELD_BYTES && this.#held.length > 1)
      ) {
        this.#heldBytes -= this.#held.shift()!.length;
        this.#dropped++;
      }
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

  // Says how many lines were dropped, now that there is room for the saying, then sends
  // the lines held back.
  #reportDropped(): void {
    if (this.#dropped > 0) {
      const note = this.#droppedLine(this.#dropped);
      this.#dropped = 0;
      this.#enqueue(note);
    }
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    for (const line of held) this.#enqueue(line);
  }
}
