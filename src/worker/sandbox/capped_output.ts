/**
 * Keeps at most `limit` bytes of a byte stream as text, never part of a character, and
 * remembers whether anything was dropped.
 *
 * Each byte is decoded once, by one streaming decoder: the kept text and, when a listener
 * is given, the text of everything (kept and dropped) come from the same pass. A character
 * the cap splits (within a chunk or across chunks) is not kept; invalid UTF-8 becomes
 * U+FFFD, one per bad byte at most, so the kept text has at most `limit` UTF-16 code units.
 */
export class CappedOutput {
  #limit: number;
  #kept = 0;
  #truncated = false;
  #decoder = new TextDecoder();
  #parts: string[] = [];
  #onText: ((text: string) => void) | undefined;

  /** `onText`, if given, sees all of the stream's text, including what the cap drops. */
  constructor(limit: number, onText?: (text: string) => void) {
    this.#limit = limit;
    this.#onText = onText;
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
    if (chunk.length <= room) {
      this.#kept += chunk.length;
      return this.#keep(chunk);
    }
    let kept = "";
    let dropped = chunk;
    if (!this.#truncated) {
      this.#truncated = true;
      // Once over the cap nothing more is kept, even if a later chunk would fit.
      this.#kept = this.#limit;
      // cut at the exact byte: a character the cut splits stays in the decoder, unfinished,
      // so it is never kept; the listener gets it whole with the bytes after the cut
      const cut = Math.max(0, room);
      kept = this.#keep(chunk.subarray(0, cut));
      dropped = chunk.subarray(cut);
    }
    // without a listener the dropped bytes are never decoded
    if (this.#onText) {
      const text = this.#decoder.decode(dropped, { stream: true });
      if (text) this.#onText(text);
    }
    return kept;
  }

  /** All kept text. The stream has ended: what the decoder still holds is flushed. */
  text(): string {
    const tail = this.#decoder.decode();
    if (tail) {
      // after a cut this is not kept text: the stream's unfinished end (the listener read
      // on past the cut), or a character the cut split, which would end the text in U+FFFD
      if (!this.#truncated) this.#parts.push(tail);
      this.#onText?.(tail);
    }
    const all = this.#parts.join("");
    this.#parts = [all];
    return all;
  }

  #keep(bytes: Uint8Array): string {
    if (bytes.length === 0) return "";
    const text = this.#decoder.decode(bytes, { stream: true });
    if (text) {
      this.#parts.push(text);
      this.#onText?.(text);
    }
    return text;
  }
}
