import { CodegenError, getLogger } from "../core/mod.ts";
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
    const at = await resumeChain(file, path);
    if (at.droppedBytes > 0) {
      log.warn("Dropped a partial last line of the audit log", { path, bytes: at.droppedBytes });
    }
    return { file, at };
  } catch (err) {
    file.close();
    throw err;
  }
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
