import { setImmediate } from "node:timers";

/**
 * Gathers the frames of a RunTasks stream that become ready at the same moment, so they
 * travel in one message: under Deno's `node:http2` every gRPC message costs about 40 µs of
 * CPU to send and receive, while a frame more in a message costs next to nothing. A frame
 * sent `now` goes at once with any gathered before it (a lone task waits for nothing);
 * otherwise the batch goes once the current turn of the event loop is done, after every
 * call arriving in it has added its frame.
 */
export class FrameBatch<T> {
  #frames: T[] = [];
  #scheduled = false;
  #send: (frames: T[]) => void;

  constructor(send: (frames: T[]) => void) {
    this.#send = send;
  }

  /** Adds a frame; `now` sends the batch at once. */
  add(frame: T, now: boolean): void {
    this.#frames.push(frame);
    if (now) this.flush();
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
    this.#send(frames);
  }

  /** Drops what is gathered (the stream is gone). */
  clear(): void {
    this.#frames = [];
  }
}
