// The largest gRPC message the coordinator and its workers exchange, and how a frame's
// size is bounded cheaply (see FrameBatch, which keeps frames within it).

/** The largest message either side sends or accepts (grpc-js's default is 4 MiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

// room for the message that wraps a frame (field tags and lengths)
const WRAPPING_BYTES = 64;

/**
 * An upper bound of a message's protobuf size, cheap to compute: every string at three
 * bytes per UTF-16 unit, bytes as they are, every field with its largest tag and length.
 */
export function estimateBytes(value: unknown): number {
  if (typeof value === "string") return value.length * 3 + 12;
  if (value instanceof Uint8Array) return value.length + 12;
  if (value === null || typeof value !== "object") return 12;
  let total = 12;
  for (const key in value) total += estimateBytes((value as Record<string, unknown>)[key]);
  return total;
}

/**
 * Whether a frame whose estimate is `estimate` fits in one message. Only a frame whose
 * estimate (an upper bound) is near the limit is encoded to know.
 */
export function fitsInMessage<T>(
  frame: T,
  estimate: number,
  encode: (frame: T) => Uint8Array,
): boolean {
  const limit = MAX_MESSAGE_BYTES - WRAPPING_BYTES;
  return estimate <= limit || encode(frame).length <= limit;
}

/** The error text for a task whose request or result is over {@link MAX_MESSAGE_BYTES}. */
export function tooLargeMessage(what: "request" | "result"): string {
  return `The task's ${what} is larger than the ${
    MAX_MESSAGE_BYTES / (1024 * 1024)
  } MiB a message between the coordinator and a worker may hold`;
}
