import { type Clock, CodegenError, SYSTEM_CLOCK } from "../core/mod.ts";
import type { ChainHead } from "./chain.ts";
import { ChainWriter } from "./chain_writer.ts";
import type { AuditEvent } from "./event.ts";
import {
  logClosed,
  logOpened,
  openLogForAppend,
  stillAtPathCheck,
  syncLogFile,
} from "./open_log.ts";
import { SerialQueue } from "./serial_queue.ts";
import type { AuditSink } from "./sink.ts";

/** Options for {@link createFileAuditSink}. */
export interface FileAuditSinkOptions {
  /** Source of record timestamps. Default: the system clock. */
  clock?: Clock;
  /** Also flush each record to the disk (`fdatasync`) before `append` resolves. Default false. */
  fsync?: boolean;
}

/**
 * Appends hash-chained records to a JSON-lines file from the calling thread; `append`
 * resolves once the line is written to the file, in call order. Holds an exclusive
 * advisory lock on the file: a second writer would fork the chain. (The coordinator uses
 * {@link ThreadAuditSink}, whose file is written by a thread with narrowed permissions.)
 */
export class FileAuditSink implements AuditSink {
  #file: Deno.FsFile;
  #path: string;
  #writer: ChainWriter;
  #clock: Clock;
  #queue = new SerialQueue();
  #closed = false;

  private constructor(file: Deno.FsFile, writer: ChainWriter, path: string, clock: Clock) {
    this.#file = file;
    this.#writer = writer;
    this.#path = path;
    this.#clock = clock;
  }

  /** Opens (creating if absent) the log at `path` and resumes its chain. */
  static async open(path: string, options: FileAuditSinkOptions = {}): Promise<FileAuditSink> {
    const { file, identity, at, notes } = await openLogForAppend(path);
    const writer = new ChainWriter(syncLogFile(file), {
      path,
      head: at.head,
      size: at.size,
      fsync: options.fsync ?? false,
      check: stillAtPathCheck(path, identity),
    });
    logOpened(path, notes);
    return new FileAuditSink(file, writer, path, options.clock ?? SYSTEM_CLOCK);
  }

  /** The last stored record's `seq` and `hash` (worth logging as an outside anchor). */
  get head(): ChainHead {
    return this.#writer.head;
  }

  append(event: AuditEvent): Promise<void> {
    if (this.#closed) {
      const message = `Cannot append to audit log "${this.#path}": the sink is closed`;
      return Promise.reject(new CodegenError("INTERNAL", message));
    }
    const ts = new Date(this.#clock.now()).toISOString();
    return this.#queue.run(() => this.#writer.write(event, ts));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.drain();
    this.#file.close();
    logClosed(this.#path, this.#writer.head);
  }
}

/** Opens the log at `path` for appending, creating it and its directory if absent. */
export function createFileAuditSink(
  path: string,
  options: FileAuditSinkOptions = {},
): Promise<FileAuditSink> {
  return FileAuditSink.open(path, options);
}
