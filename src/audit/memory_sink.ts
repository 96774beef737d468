import { type Clock, CodegenError, SYSTEM_CLOCK } from "../core/mod.ts";
import { type ChainHead, EMPTY_HEAD, sealRecord } from "./chain.ts";
import type { AuditEvent, AuditRecord } from "./event.ts";
import { SerialQueue } from "./serial_queue.ts";
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
  #queue = new SerialQueue();
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
    const ts = new Date(this.#clock.now()).toISOString();
    return this.#queue.run(async () => {
      const record = await sealRecord(this.#head, event, { ts });
      this.#records.push(record);
      this.#head = { seq: record.seq, hash: record.hash };
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue.drain();
  }
}

function closedError(): CodegenError {
  return new CodegenError("INTERNAL", "Cannot append audit record: the sink is closed");
}
