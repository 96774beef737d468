import { CodegenError, getLogger } from "../core/mod.ts";
import { type ChainHead, sealRecord } from "./chain.ts";
import { type AuditEvent, MAX_RECORD_BYTES } from "./event.ts";

/** The part of an open log file the writer needs; `Deno.FsFile` fits, tests pass fakes. */
export interface LogFile {
  write(bytes: Uint8Array): Promise<number>;
  truncate(length: number): Promise<void>;
  syncData(): Promise<void>;
}

/** Where the file stands when the writer takes over, and whether to flush each record. */
export interface ChainWriterOptions {
  /** Used in messages only. */
  path: string;
  head: ChainHead;
  /** Current file length: what a failed write is cut back to. */
  size: number;
  /** Call `syncData()` after each record. Default false. */
  fsync?: boolean;
}

const encoder = new TextEncoder();
const log = getLogger("audit");

/**
 * Seals each event onto the chain and writes it as one line with one buffer. Callers
 * serialize `write` calls. A write that fails is cut back off the file so the next record
 * starts on a fresh line and the chain stays intact; if that fails too, every later write
 * is refused rather than risk a broken log.
 */
export class ChainWriter {
  #file: LogFile;
  #path: string;
  #head: ChainHead;
  #size: number;
  #fsync: boolean;
  #broken: CodegenError | undefined;

  constructor(file: LogFile, options: ChainWriterOptions) {
    this.#file = file;
    this.#path = options.path;
    this.#head = options.head;
    this.#size = options.size;
    this.#fsync = options.fsync ?? false;
  }

  /** The last stored record's `seq` and `hash`. */
  get head(): ChainHead {
    return { ...this.#head };
  }

  async write(event: AuditEvent, ts: string): Promise<void> {
    if (this.#broken) throw this.#broken;
    const record = sealRecord(this.#head, event, { ts });
    const bytes = encoder.encode(record.line + "\n");
    if (bytes.length > MAX_RECORD_BYTES) {
      throw new CodegenError(
        "TOO_LARGE",
        `Cannot append audit record ${record.seq}: ${bytes.length} bytes is over ${MAX_RECORD_BYTES}`,
      );
    }
    try {
      let written = 0;
      while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
      if (this.#fsync) await this.#file.syncData();
    } catch (err) {
      await this.#rollBack();
      throw new CodegenError("INTERNAL", `Cannot write audit log "${this.#path}": ${text(err)}`, {
        cause: err,
      });
    }
    this.#size += bytes.length;
    this.#head = { seq: record.seq, hash: record.hash };
  }

  async #rollBack(): Promise<void> {
    try {
      await this.#file.truncate(this.#size);
    } catch (err) {
      this.#broken = new CodegenError(
        "INTERNAL",
        `Cannot write audit log "${this.#path}": a failed write could not be undone`,
        { cause: err },
      );
      log.error("Audit log left with a partial line; further appends refused", {
        path: this.#path,
      });
    }
  }
}

function text(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
