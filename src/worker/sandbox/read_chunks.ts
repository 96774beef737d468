/** Bytes read from a pipe at a time. */
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Reads a pipe to its end (or until it breaks or is cancelled), handing each chunk to
 * `onChunk`. One buffer is read into again and again, so `onChunk` must copy what it keeps:
 * a default reader would allocate (and zero) a fresh chunk for every read.
 */
export async function readChunks(
  reader: ReadableStreamBYOBReader,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  let buffer = new Uint8Array(READ_CHUNK_BYTES);
  try {
    while (true) {
      const { done, value } = await reader.read(buffer);
      if (done || !value) return;
      onChunk(value);
      buffer = new Uint8Array(value.buffer);
    }
  } catch {
    // the pipe broke with the process, or was cancelled after the grace period
  }
}
