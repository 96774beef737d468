/**
 * Core building blocks every other module may use: the error type and codes, logging,
 * time, ids, durations, hashing, byte joining, per-key job queues, bounded waits, shared-memory message rings
 * between threads, an HTTP listener that outlives a failed accept, and the program version.
 * Imports nothing from `src/`.
 * @module
 */
export {
  CodegenError,
  type CodegenErrorOptions,
  ERROR_CODES,
  type ErrorCode,
  isErrorCode,
} from "./errors.ts";
export { type Clock, FakeClock, SYSTEM_CLOCK } from "./clock.ts";
export { type IdGenerator, isSafeId, RANDOM_IDS, sequentialIds } from "./ids.ts";
export { formatDuration, parseDuration } from "./duration.ts";
export {
  configureLogging,
  flushLogs,
  getLogger,
  type Level,
  LOG_LEVELS,
  type Logger,
  resetLogging,
} from "./logger.ts";
export { constantTimeEqual, sha256Hex, toHex } from "./hash.ts";
export { concatBytes, indexOfBytes, needleStartAtEnd, utf8Length } from "./bytes.ts";
export { KeyedQueue } from "./keyed_queue.ts";
export { settlesWithin } from "./within.ts";
export { keepServing, type KeepServingOptions, type KeptServer } from "./keep_serving.ts";
export { createRingBuffer, RingReader, RingWriter } from "./shared_ring.ts";
export { ByteRingReader, ByteRingWriter } from "./byte_ring.ts";
export { type ByteSink, LineWriter, type LineWriterOptions } from "./line_writer.ts";
export { waitAsync } from "./wait_async.ts";
export { PROGRAM_NAME, VERSION } from "./version.ts";
export { type ProbeOp, probePermission, type ProbeResult } from "./permission_probe.ts";
export { RefusalLog } from "./refusal_log.ts";
export { boundedQuote, boundedText } from "./bounded_quote.ts";
export { openForRead } from "./open_for_read.ts";
