import { type Clock, CodegenError, getLogger, SYSTEM_CLOCK } from "../core/mod.ts";
import type { ChainHead } from "./chain.ts";
import { ChainWriter, type LogFile } from "./chain_writer.ts";
import type { AuditEvent } from "./event.ts";
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

const log = getLogger("audit");

/**
 * Appends hash-chained records to a JSON-lines file; `append` resolves once the line is
 * written to the file, in call order. Takes and returns plain data only, so it can run
 * inside a Deno Worker allowed to read and write only the log's directory. Holds an
 * exclusive advisory lock on the file: a second writer would fork the chain.
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
      const writer = new ChainWriter(syncWrites(file), {
        path,
        ...at,
        fsync: options.fsync ?? false,
      });
      return new FileAuditSink(file, writer, path, options.clock ?? SYSTEM_CLOCK);
    } catch (err) {
      file.close();
      throw err;
    }
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
  }
}

/** Opens the log at `path` for appending, creating it and its directory if absent. */
export function createFileAuditSink(
  path: string,
  options: FileAuditSinkOptions = {},
): Promise<FileAuditSink> {
  return FileAuditSink.open(path, options);
}

// A record is one small append to a local file: a direct write is far cheaper than an
// async write hopping through the blocking thread pool, and it is on every call's path.
function syncWrites(file: Deno.FsFile): LogFile {
  return {
    write: (bytes) => {
      try {
        return Promise.resolve(file.writeSync(bytes));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    truncate: (length) => file.truncate(length),
    syncData: () => file.syncData(),
  };
}

async function openLog(path: string): Promise<Deno.FsFile> {
  const slash = path.lastIndexOf("/");
  try {
    if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true, mode: 0o700 });
    return await Deno.open(path, { read: true, append: true, create: true, mode: 0o600 });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CodegenError("INTERNAL", `Cannot open audit log "${path}": ${detail}`, {
      cause: err,
    });
  }
}
