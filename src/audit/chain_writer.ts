import { CodegenError } from "../core/mod.ts";
import { type ChainHead, type SealedRecord, sealRecord } from "./chain.ts";
import { type AuditEvent, MAX_RECORD_BYTES } from "./event.ts";
import { LineAppender, type LogFile } from "./line_appender.ts";

export type { LogFile } from "./line_appender.ts";

/** Where the file stands when the writer takes over, and whether to flush each record. */
export interface ChainWriterOptions {
  /** Used in messages only. */
  path: string;
  head: ChainHead;
  /** Current file length: what a failed write is cut back to. */
  size: number;
  /** Call `syncData()` after each record. Default false. */
  fsync?: boolean;
  /** Throws when the log may no longer be written (it was replaced); run before each write. */
  check?: () => void;
}

const encoder = new TextEncoder();

/**
 * Seals `event` onto the chain after `head`, refusing (TOO_LARGE) a record whose line
 * would be longer than the verifier reads. `bytesAtMost` bounds the line with its newline.
 */
export function sealLine(
  head: ChainHead,
  event: AuditEvent,
  ts: string,
): SealedRecord & { bytesAtMost: number } {
  const record = sealRecord(head, event, { ts });
  // UTF-8 takes at most 3 bytes per UTF-16 unit: encode only a line that might be too long
  const bound = record.line.length * 3 + 1;
  const bytes = bound <= MAX_RECORD_BYTES ? bound : encoder.encode(record.line).length + 1;
  if (bytes > MAX_RECORD_BYTES) {
    throw new CodegenError(
      "TOO_LARGE",
      `Cannot append audit record ${record.seq}: ${bytes} bytes is over ${MAX_RECORD_BYTES}`,
    );
  }
  return { ...record, bytesAtMost: bytes };
}

/**
 * Seals each event onto the chain and writes it as one line with one buffer; the head
 * moves on only once the line is stored. Callers serialize `write` calls.
 */
export class ChainWriter {
  #appender: LineAppender;
  #head: ChainHead;

  constructor(file: LogFile, options: ChainWriterOptions) {
    this.#appender = new LineAppender(file, options);
    this.#head = options.head;
  }

  /** The last stored record's `seq` and `hash`. */
  get head(): ChainHead {
    return { ...this.#head };
  }

  async write(event: AuditEvent, ts: string): Promise<void> {
    const record = sealLine(this.#head, event, ts);
    await this.#appender.append(encoder.encode(record.line + "\n"));
    this.#head = { seq: record.seq, hash: record.hash };
  }
}
