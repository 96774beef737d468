import { type Clock, CodegenError, getLogger, SYSTEM_CLOCK } from "../core/mod.ts";
import { type ChainHead, sealRecord } from "./chain.ts";
import { type AuditEvent, MAX_RECORD_BYTES } from "./event.ts";
import { resumeChain } from "./resume.ts";
import { SerialQueue } from "./serial_queue.ts";
import type { AuditSink } from "./sink.ts";

/** Options for {@link createFileAuditSink}. */
export interface FileAuditSinkOptions {
  /** Source of record timestamps. Default: the system clock. */
  clock?: Clock;
  /** Also flush each record to the disk (`fdatasync`) before `append` resolves. Default false. */
  fsync?: boolean;
}

const encoder = new TextEncoder();
const log = getLogger("audit");

/**
 * Appends hash-chained records to a JSON-lines file. Takes and returns plain data only,
 * so it can run inside a Deno Worker whose permissions reach only the log's directory.
 * Holds an exclusive advisory lock on the file: a second writer would fork the chain.
 */
export class FileAuditSink implements AuditSink {
  #file: Deno.FsFile;
  #path: string;
  #head: ChainHead;
  #size: number;
  #clock: Clock;
  #fsync: boolean;
  #queue = new SerialQueue();
  #closed = false;
  #broken: CodegenError | undefined;

  private constructor(
    file: Deno.FsFile,
    path: string,
    at: { head: ChainHead; size: number },
    options: FileAuditSinkOptions,
  ) {
    this.#file = file;
    this.#path = path;
    this.#head = at.head;
    this.#size = at.size;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#fsync = options.fsync ?? false;
  }

  /** Opens (creating if absent) the log at `path` and resumes its chain. */
  static async open(path: string, options: FileAuditSinkOptions = {}): Promise<FileAuditSink> {
    const file = await openLog(path);
    try {
      if (!(await file.tryLock(true))) {
        throw new CodegenError(
          "INTERNAL",
          `Cannot open audit log "${path}": another writer holds it`,
        );
      }
      const at = await resumeChain(file, path);
      if (at.droppedBytes > 0) {
        log.warn("Dropped a partial last line of the audit log", { path, bytes: at.droppedBytes });
      }
      return new FileAuditSink(file, path, at, options);
    } catch (err) {
      file.close();
      throw err;
    }
  }

  /** The last stored record's `seq` and `hash`. */
  get head(): ChainHead {
    return { ...this.#head };
  }

  append(event: AuditEvent): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new CodegenError(
          "INTERNAL",
          `Cannot append to audit log "${this.#path}": the sink is closed`,
        ),
      );
    }
    const ts = new Date(this.#clock.now()).toISOString();
    return this.#queue.run(() => this.#write(event, ts));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.drain();
    this.#file.close();
  }

  async #write(event: AuditEvent, ts: string): Promise<void> {
    if (this.#broken) throw this.#broken;
    const record = sealRecord(this.#head, event, { ts });
    const bytes = encoder.encode(JSON.stringify(record) + "\n");
    if (bytes.length > MAX_RECORD_BYTES) {
      throw new CodegenError(
        "TOO_LARGE",
        `Cannot append audit record ${record.seq}: ${bytes.length} bytes is over ${MAX_RECORD_BYTES}`,
      );
    }
    try {
      await writeAll(this.#file, bytes);
      if (this.#fsync) await this.#file.syncData();
    } catch (err) {
      await this.#rollBack();
      throw new CodegenError("INTERNAL", `Cannot write audit log "${this.#path}": ${String(err)}`, {
        cause: err,
      });
    }
    this.#size += bytes.length;
    this.#head = { seq: record.seq, hash: record.hash };
  }

  // A failed write may have left part of a line; cut it off so the next record starts on
  // a fresh line of an intact chain. If even that fails, refuse all later appends.
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

/** Opens the log at `path` for appending, creating it and its directory if absent. */
export function createFileAuditSink(
  path: string,
  options: FileAuditSinkOptions = {},
): Promise<FileAuditSink> {
  return FileAuditSink.open(path, options);
}

async function openLog(path: string): Promise<Deno.FsFile> {
  const slash = path.lastIndexOf("/");
  try {
    if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true, mode: 0o700 });
    return await Deno.open(path, { read: true, append: true, create: true, mode: 0o600 });
  } catch (err) {
    throw new CodegenError("INTERNAL", `Cannot open audit log "${path}": ${String(err)}`, {
      cause: err,
    });
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
