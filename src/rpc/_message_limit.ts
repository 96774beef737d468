// The largest gRPC message the coordinator and its workers exchange, and the check that
// keeps one oversized task from failing every task on a shared RunTasks stream.
import { estimateBytes } from "./_frame_batch.ts";

/** The largest message either side sends or accepts (grpc-js's default is 4 MiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

// room for the message that wraps a frame (field tags and lengths)
const WRAPPING_BYTES = 64;

/**
 * Whether `frame` would not fit in one message. gRPC fails a stream that sends a message
 * over the limit, and with it every task on the stream; a frame found too large here fails
 * its own task instead. Only a frame whose cheap estimate (an upper bound) is near the
 * limit is encoded to know.
 */
export function tooLargeForMessage<T>(frame: T, encode: (frame: T) => Uint8Array): boolean {
  const limit = MAX_MESSAGE_BYTES - WRAPPING_BYTES;
  return estimateBytes(frame) > limit && encode(frame).length > limit;
}

/** The error text for a task whose request or result is over {@link MAX_MESSAGE_BYTES}. */
export function tooLargeMessage(what: "request" | "result"): string {
  return `The task's ${what} is larger than the ${
    MAX_MESSAGE_BYTES / (1024 * 1024)
  } MiB a message between the coordinator and a worker may hold`;
}
