import { concatBytes } from "../../core/mod.ts";

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
    const at = indexOf(buf, marker);
    if (at >= 0) {
      this.#held = new Uint8Array(0);
      this.#marker = undefined;
      return { data: buf.subarray(0, at), after: buf.subarray(at + marker.length) };
    }
    const keep = Math.min(buf.length, marker.length - 1);
    const cut = partialMatchStart(buf, marker, keep);
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

/** First index of `needle` in `hay`, or -1. */
export function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  if (first === undefined) return 0;
  let i = hay.indexOf(first);
  while (i >= 0 && i + needle.length <= hay.length) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
    i = hay.indexOf(first, i + 1);
  }
  return -1;
}

/** Where a suffix of `buf` (at most `keep` bytes) that is a prefix of `marker` starts. */
function partialMatchStart(buf: Uint8Array, marker: Uint8Array, keep: number): number {
  for (let start = buf.length - keep; start < buf.length; start++) {
    let j = 0;
    while (start + j < buf.length && buf[start + j] === marker[j]) j++;
    if (start + j === buf.length) return start;
  }
  return buf.length;
}
