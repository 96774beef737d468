declare const BYTE_PIPE: unique symbol;

/**
 * A pipe that is a byte stream (`type: "bytes"`), so it can be read into a reused buffer
 * (a BYOB reader), which a default stream refuses. Made by {@link bytePipe}: the brand lets
 * the compiler reject a plain stream where a process's output is read.
 */
export type BytePipe = ReadableStream<Uint8Array> & { readonly [BYTE_PIPE]: true };

/** Checks that `stream` is an unlocked byte stream and brands it; throws TypeError if not. */
export function bytePipe(stream: ReadableStream<Uint8Array>): BytePipe {
  // taking a BYOB reader is the check the runtime itself makes; released at once
  stream.getReader({ mode: "byob" }).releaseLock();
  return stream as BytePipe;
}
