/**
 * Collects a sandboxed command's output as it arrives: streams whole lines to the client
 * as log events (bounded in count and length) and keeps the tail of the combined output
 * for the result's `output_tail`.
 * @module
 */
import type { TaskEvent } from "../../rpc/mod.ts";

/** Characters of combined output a result keeps (about 4 KiB). */
export const OUTPUT_TAIL_CHARS = 4096;
/** Lines streamed per command at most; the tail still has the end. */
export const MAX_STREAMED_LINES = 2000;
/** Longest streamed line; longer ones are cut. */
export const MAX_STREAMED_LINE_CHARS = 1000;

type Stream = "stdout" | "stderr";

/** Options for {@link OutputCollector}. */
export interface OutputCollectorOptions {
  /** Default {@link OUTPUT_TAIL_CHARS}. */
  tailChars?: number;
  /** Default {@link MAX_STREAMED_LINES}. */
  maxLines?: number;
}

/** Feeds `onOutput` of a sandbox spec; call {@link OutputCollector.flush} at the end. */
export class OutputCollector {
  #emit: (event: TaskEvent) => void;
  #tailChars: number;
  #maxLines: number;
  #tail = "";
  #partial: Record<Stream, string> = { stdout: "", stderr: "" };
  #lines = 0;
  #received = false;

  constructor(emit: (event: TaskEvent) => void, options: OutputCollectorOptions = {}) {
    this.#emit = emit;
    this.#tailChars = options.tailChars ?? OUTPUT_TAIL_CHARS;
    this.#maxLines = options.maxLines ?? MAX_STREAMED_LINES;
  }

  /** Whether any output arrived through {@link OutputCollector.onOutput}. */
  get received(): boolean {
    return this.#received;
  }

  /** The sandbox spec's `onOutput`. */
  readonly onOutput = (stream: Stream, text: string): void => {
    if (text === "") return;
    this.#received = true;
    this.append(text);
    // past the line budget nothing more is streamed: splitting the rest would be wasted
    if (this.#lines > this.#maxLines) return;
    const pieces = (this.#partial[stream] + text).split("\n");
    this.#partial[stream] = pieces.pop() ?? "";
    // a runaway line without newlines must not grow without bound
    if (this.#partial[stream].length > MAX_STREAMED_LINE_CHARS) {
      pieces.push(this.#partial[stream]);
      this.#partial[stream] = "";
    }
    for (const line of pieces) this.#line(stream, line);
  };

  /** Adds text to the tail only (e.g. output the runner returned but did not stream). */
  append(text: string): void {
    // a chunk as long as the tail replaces it: no copy of the whole chunk first
    this.#tail = text.length >= this.#tailChars
      ? text.slice(-this.#tailChars)
      : (this.#tail + text).slice(-this.#tailChars);
  }

  /** Streams what is left of unterminated lines. */
  flush(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.#partial[stream] !== "") this.#line(stream, this.#partial[stream]);
      this.#partial[stream] = "";
    }
  }

  /** The last {@link OUTPUT_TAIL_CHARS} characters of combined output. */
  tail(): string {
    return this.#tail;
  }

  #line(stream: Stream, line: string): void {
    if (this.#lines > this.#maxLines) return;
    this.#lines++;
    const data = this.#lines > this.#maxLines
      ? "(further output is not streamed; the result carries its tail)"
      : line.length > MAX_STREAMED_LINE_CHARS
      ? `${line.slice(0, MAX_STREAMED_LINE_CHARS)}...`
      : line;
    this.#emit({ type: "log", stream, level: "info", data });
  }
}
