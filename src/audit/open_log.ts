import { CodegenError, getLogger } from "../core/mod.ts";
import type { ChainHead } from "./chain.ts";
import type { LogFile } from "./line_appender.ts";
import { resumeChain, type ResumePoint } from "./resume.ts";

const log = getLogger("audit");

/** An audit log opened for appending, locked, with the point its chain continues from. */
export interface OpenedLog {
  file: Deno.FsFile;
  at: ResumePoint;
}

/**
 * Opens (creating if absent) the log at `path` for appending, takes an exclusive advisory
 * lock on it (a second writer would fork the chain) and finds where its chain ends.
 */
export async function openLogForAppend(path: string): Promise<OpenedLog> {
  const file = await openLog(path);
  try {
    if (!(await file.tryLock(true))) {
      throw new CodegenError(
        "INTERNAL",
        `Cannot open audit log "${path}": another writer holds it`,
      );
    }
    return { file, at: await resumeChain(file, path) };
  } catch (err) {
    file.close();
    throw err;
  }
}

/**
 * Logs where the chain of a log just opened continues, and any partial last line dropped.
 * The head in the process's logs is an anchor kept outside the file: records later cut off
 * its end, or a log rewritten and re-hashed, no longer match it (`audit verify --anchor`).
 * Called in the serving thread: the audit thread's logs go nowhere.
 */
export function logOpened(path: string, head: ChainHead, droppedBytes: number): void {
  if (droppedBytes > 0) {
    log.warn("Dropped a partial last line of the audit log {path} ({bytes} bytes)", {
      path,
      bytes: droppedBytes,
    });
  }
  log.info("Audit log {path} opened at seq {seq}, hash {hash}", { path, ...head });
}

/** Logs the last record stored before the log was closed: the anchor for the next start. */
export function logClosed(path: string, head: ChainHead): void {
  log.info("Audit log {path} closed at seq {seq}, hash {hash}", { path, ...head });
}

/**
 * The file as the appender uses it, writing synchronously: a record is one small append to
 * a local file, and a direct write is far cheaper than an async write hopping through the
 * blocking thread pool, on every call's path.
 */
export function syncLogFile(file: Deno.FsFile): LogFile {
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
