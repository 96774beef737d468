import { concatBytes } from "../core/mod.ts";

const NEWLINE = 0x0a;
const CHUNK_BYTES = 64 * 1024;

/** One line of a file; `terminated` is false for a last line with no newline. */
export type Line =
  | { kind: "line"; bytes: Uint8Array; terminated: boolean }
  | { kind: "too_long" };

/** What lines are read from: `read` fills `into` and resolves to the count, null at the end. */
export interface ByteSource {
  read(into: Uint8Array): Promise<number | null>;
}

/**
 * Yields the lines of `file` in order while holding at most `maxBytes` of one line in
 * memory, so a log of any size verifies in bounded memory. Stops after a `too_long`.
 */
export async function* readLines(file: ByteSource, maxBytes: number): AsyncGenerator<Line> {
  const chunk = new Uint8Array(CHUNK_BYTES);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  while (true) {
    const n = await file.read(chunk);
    if (n === null) break;
    let start = 0;
    for (let i = 0; i < n; i++) {
      if (chunk[i] !== NEWLINE) continue;
      if (pendingBytes + i - start > maxBytes) {
        yield { kind: "too_long" };
        return;
      }
      pending.push(chunk.slice(start, i));
      yield { kind: "line", bytes: concatBytes(pending), terminated: true };
      pending = [];
      pendingBytes = 0;
      start = i + 1;
    }
    if (start < n) {
      pending.push(chunk.slice(start, n));
      pendingBytes += n - start;
      if (pendingBytes > maxBytes) {
        yield { kind: "too_long" };
        return;
      }
    }
  }
  if (pendingBytes > 0) yield { kind: "line", bytes: concatBytes(pending), terminated: false };
}
