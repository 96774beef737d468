import { concatBytes, indexOfBytes, needleStartAtEnd } from "../../core/mod.ts";

// the byte search this splitter is built on, under the name its tests know
export { indexOfBytes as indexOf };

/**
 * Splits one output stream of the stateful kernel at its end-of-job marker. Bytes that
 * might be the start of a marker are held back until the next chunk decides, so the
 * marker never leaks into user output even when it arrives split across reads.
 */
export class FrameSplitter {
  #held: Uint8Array = new Uint8Array(0);
  #marker: Uint8Array | undefined;

  /** Arms the splitter for the next job's marker. */
  arm(marker: Uint8Array): void {
    this.#marker = marker;
  }

  /**
   * Feeds a chunk. Returns the user bytes that are certainly output, and, once the marker
   * is seen, the bytes after it (`after`); the splitter is then disarmed.
   */
  push(chunk: Uint8Array): { data: Uint8Array; after?: Uint8Array } {
    const buf = this.#held.length === 0 ? chunk : concatBytes([this.#held, chunk]);
    const marker = this.#marker;
    if (!marker) {
      this.#held = new Uint8Array(0);
      return { data: buf };
    }
    const at = indexOfBytes(buf, marker);
    if (at >= 0) {
      this.#held = new Uint8Array(0);
      this.#marker = undefined;
      return { data: buf.subarray(0, at), after: buf.subarray(at + marker.length) };
    }
    const cut = buf.length - needleStartAtEnd(buf, marker);
    this.#held = buf.slice(cut);
    return { data: buf.subarray(0, cut) };
  }

  /** Whatever is held back (at end of stream). */
  flush(): Uint8Array {
    const held = this.#held;
    this.#held = new Uint8Array(0);
    return held;
  }
}
