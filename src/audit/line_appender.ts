import { CodegenError, getLogger } from "../core/mod.ts";

/** The part of an open log file the appender needs; `Deno.FsFile` fits, tests pass fakes. */
export interface LogFile {
  write(bytes: Uint8Array): Promise<number>;
  truncate(length: number): Promise<void>;
  syncData(): Promise<void>;
}

/** Where the file stands when the appender takes over, and whether to flush each append. */
export interface LineAppenderOptions {
  /** Used in messages only. */
  path: string;
  /** Current file length: what a failed append is cut back to. */
  size: number;
  /** Call `syncData()` after each append. Default false. */
  fsync?: boolean;
  /** Throws when the log may no longer be written (it was replaced); run before each append. */
  check?: () => void;
}

const log = getLogger("audit");

/**
 * Appends whole lines to the log: all of the bytes or none of them. An append that fails
 * is cut back off the file, so the next one starts on a fresh line and the chain stays
 * intact; if that fails too, every later append is refused rather than risk a broken log.
 * Callers serialize `append` calls.
 */
export class LineAppender {
  #file: LogFile;
  #path: string;
  #size: number;
  #fsync: boolean;
  #broken: CodegenError | undefined;
  #check: () => void;

  constructor(file: LogFile, options: LineAppenderOptions) {
    this.#file = file;
    this.#path = options.path;
    this.#size = options.size;
    this.#fsync = options.fsync ?? false;
    this.#check = options.check ?? (() => {});
  }

  /** Writes `bytes` (one or more lines, each ending in a newline) at the end of the log. */
  async append(bytes: Uint8Array): Promise<void> {
    if (this.#broken) throw this.#broken;
    try {
      this.#check();
    } catch (err) {
      // for good: a log replaced under the process is not written again by it
      this.#broken = CodegenError.from(err);
      throw this.#broken;
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
