/**
 * Keeps at most `limit` bytes of a byte stream as text, cut on a UTF-8 character
 * boundary, and remembers whether anything was dropped.
 */
export class CappedOutput {
  #limit: number;
  #kept = 0;
  #truncated = false;
  #decoder = new TextDecoder();
  #parts: string[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  get truncated(): boolean {
    return this.#truncated;
  }

  /** Bytes kept so far. */
  get keptBytes(): number {
    return this.#kept;
  }

  /** Adds a chunk; returns the text kept from it ("" once the cap is reached). */
  push(chunk: Uint8Array): string {
    if (chunk.length === 0) return "";
    const room = this.#limit - this.#kept;
    let take = chunk;
    if (chunk.length > room) {
      this.#truncated = true;
      take = chunk.subarray(0, utf8Boundary(chunk, Math.max(0, room)));
      // Once over the cap nothing more is kept, even if a later chunk would fit.
      this.#kept = this.#limit;
    } else {
      this.#kept += chunk.length;
    }
    if (take.length === 0) return "";
    const text = this.#decoder.decode(take, { stream: true });
    if (text) this.#parts.push(text);
    return text;
  }

  /** All kept text. */
  text(): string {
    const tail = this.#decoder.decode();
    // after a cut, what the decoder still holds is a character the cut split: drop it
    // rather than end the text with U+FFFD
    if (tail && !this.#truncated) this.#parts.push(tail);
    const all = this.#parts.join("");
    this.#parts = [all];
    return all;
  }
}

/** The largest cut ≤ `max` that does not split a UTF-8 character started before it. */
export function utf8Boundary(bytes: Uint8Array, max: number): number {
  if (max >= bytes.length) return bytes.length;
  let cut = max;
  // step back over continuation bytes (10xxxxxx) to the start of the character at `cut`
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut;
}
