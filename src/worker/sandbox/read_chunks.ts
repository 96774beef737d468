/** Bytes read from a pipe at a time. */
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Reads a pipe to its end (or until it breaks or is cancelled), handing each chunk to
 * `onChunk`. One buffer is read into again and again, so `onChunk` must copy what it keeps:
 * a default reader would allocate (and zero) a fresh chunk for every read.
 *
 * Only the reader's own failures end the loop quietly. An exception from `onChunk` rejects
 * the returned promise, and nothing more is read: the caller decides what a consumer's
 * failure means for the process still writing to the pipe.
 */
export async function readChunks(
  reader: ReadableStreamBYOBReader,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  let buffer = new Uint8Array(READ_CHUNK_BYTES);
  while (true) {
    let read: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
    try {
      read = await reader.read(buffer);
    } catch {
      return; // the pipe broke with the process, or was cancelled after the grace period
    }
    if (read.done || !read.value) return;
    onChunk(read.value);
    buffer = new Uint8Array(read.value.buffer);
  }
}
