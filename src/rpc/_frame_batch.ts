import { setImmediate } from "node:timers";

/**
 * At most this many bytes (estimated, see {@link estimateBytes}) gather in one message; a
 * larger frame goes alone. gRPC refuses messages over its 64 MiB limit, and tasks carrying
 * large files (up to that limit each) must not add up past it.
 */
export const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * Gathers the frames of a RunTasks stream that become ready at the same moment, so they
 * travel in one message: under Deno's `node:http2` every gRPC message costs about 40 µs of
 * CPU to send and receive, while a frame more in a message costs next to nothing. A frame
 * sent `now` goes at once with any gathered before it (a lone task waits for nothing);
 * otherwise the batch goes once the current turn of the event loop is done, after every
 * call arriving in it has added its frame. Large frames never share a message.
 */
export class FrameBatch<T> {
  #frames: T[] = [];
  #bytes = 0;
  #scheduled = false;
  #send: (frames: T[]) => void;

  constructor(send: (frames: T[]) => void) {
    this.#send = send;
  }

  /** Adds a frame; `now` sends the batch at once. */
  add(frame: T, now: boolean): void {
    const bytes = estimateBytes(frame);
    if (this.#bytes + bytes > MAX_BATCH_BYTES) this.flush();
    this.#frames.push(frame);
    this.#bytes += bytes;
    if (now || this.#bytes > MAX_BATCH_BYTES) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  /** Sends what is gathered (nothing when empty). */
  flush(): void {
    if (this.#frames.length === 0) return;
    const frames = this.#frames;
    this.#frames = [];
    this.#bytes = 0;
    this.#send(frames);
  }

  /** Drops what is gathered (the stream is gone). */
  clear(): void {
    this.#frames = [];
    this.#bytes = 0;
  }
}

/**
 * An upper bound of a message's protobuf size, cheap to compute: every string at three
 * bytes per UTF-16 unit, bytes as they are, every field with its largest tag and length.
 */
export function estimateBytes(value: unknown): number {
  if (typeof value === "string") return value.length * 3 + 12;
  if (value instanceof Uint8Array) return value.length + 12;
  if (value === null || typeof value !== "object") return 12;
  let total = 12;
  for (const key in value) total += estimateBytes((value as Record<string, unknown>)[key]);
  return total;
}
