import { type Clock, CodegenError, SYSTEM_CLOCK } from "../core/mod.ts";
import { type ChainHead, EMPTY_HEAD, sealRecord } from "./chain.ts";
import type { AuditEvent, AuditRecord } from "./event.ts";
import type { AuditSink } from "./sink.ts";

/** Options for {@link MemoryAuditSink}. */
export interface MemoryAuditSinkOptions {
  /** Source of record timestamps. Default: the system clock. */
  clock?: Clock;
}

/** Keeps the chained records in an array; for tests of modules that audit. */
export class MemoryAuditSink implements AuditSink {
  #records: AuditRecord[] = [];
  #head: ChainHead = EMPTY_HEAD;
  #clock: Clock;
  #closed = false;

  constructor(options: MemoryAuditSinkOptions = {}) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** Every record appended so far, oldest first. */
  get records(): readonly AuditRecord[] {
    return this.#records;
  }

  append(event: AuditEvent): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    try {
      // Sealing is synchronous, so records land in call order without a queue.
      const ts = new Date(this.#clock.now()).toISOString();
      const record = JSON.parse(sealRecord(this.#head, event, { ts }).line) as AuditRecord;
      this.#records.push(record);
      this.#head = { seq: record.seq, hash: record.hash };
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

function closedError(): CodegenError {
  return new CodegenError("INTERNAL", "Cannot append audit record: the sink is closed");
}
