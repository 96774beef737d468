/**
 * Where the stdio transport pulls its bytes from, chunk by chunk: this process's stdin, or
 * any byte stream it is given.
 *
 * Stdin is read with `Deno.stdin`, never as a `node:net` socket on fd 0 (tried, and no
 * faster): that socket closes fd 0 at end of input, the next pipe this process makes takes
 * the number, and a sandbox given that pipe as its stdin loses it (dup2 onto itself keeps
 * close-on-exec), so Python started after the client closed its side failed with EBADF.
 * @module
 */

/** Bytes read from stdin at a time. */
const READ_CHUNK_BYTES = 64 * 1024;

/** Pulls the next chunk, or null at end of input; `close` stops reading. */
export interface ChunkSource {
  next(): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** Any byte stream as a {@link ChunkSource} (tests, and hosts that hand the transport one). */
export function streamSource(stream: ReadableStream<Uint8Array>): ChunkSource {
  const reader = stream.getReader();
  return {
    next: async () => (await reader.read()).value ?? null,
    close: () => reader.cancel().catch(() => {}),
  };
}

/** Stdin as a {@link ChunkSource}. A chunk may be reused once the next one is pulled. */
export function stdinSource(): ChunkSource {
  const buffer = new Uint8Array(READ_CHUNK_BYTES);
  return {
    async next() {
      const n = await Deno.stdin.read(buffer);
      return n === null ? null : buffer.subarray(0, n);
    },
    close: () => Promise.resolve(),
  };
}
