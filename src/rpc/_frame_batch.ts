import { setImmediate } from "node:timers";
import { estimateBytes, fitsInMessage } from "./_message_limit.ts";

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
 * call arriving in it has added its frame. Large frames never share a message, and a frame
 * too large for any message is refused: gRPC fails a stream that sends one, and with it
 * every task on the stream, so the caller fails that one task instead.
 */
export class FrameBatch<T> {
  #frames: T[] = [];
  #bytes = 0;
  #scheduled = false;
  #send: (frames: T[]) => void;
  #encode: (frame: T) => Uint8Array;

  /** `encode` gives a frame's exact encoding, needed only for a frame near the limit. */
  constructor(send: (frames: T[]) => void, encode: (frame: T) => Uint8Array) {
    this.#send = send;
    this.#encode = encode;
  }

  /**
   * Adds a frame; `now` sends the batch at once. Returns false, adding nothing, for a frame
   * larger than a message may hold.
   */
  add(frame: T, now: boolean): boolean {
    const bytes = estimateBytes(frame);
    if (!fitsInMessage(frame, bytes, this.#encode)) return false;
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
    return true;
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
