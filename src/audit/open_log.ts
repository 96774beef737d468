import { LOG_MOVED } from "./log_moved.ts";
import { CodegenError, getLogger } from "../core/mod.ts";
import type { ChainHead } from "./chain.ts";
import type { LogFile } from "./line_appender.ts";
import { inspectChainEnd, type ResumePoint } from "./resume.ts";

const log = getLogger("audit");
// logged whatever LOG_LEVEL says (see core/logger.ts)
const anchor = getLogger("audit", "anchor");

/** An audit log opened for appending, locked, with the point its chain continues from. */
export interface OpenedLog {
  file: Deno.FsFile;
  /** Which file was opened, for {@link checkStillAtPath}. */
  identity: FileIdentity;
  at: ResumePoint;
  /** What opening found and changed, for {@link logOpened}. */
  notes: OpenNotes;
}

/** What {@link logOpened} reports: where the chain goes on and what opening changed. */
export interface OpenNotes {
  head: ChainHead;
  droppedBytes: number;
  /** The permission bits of an existing log that others could access, before narrowing. */
  modeWas?: number;
}

/**
 * Opens (creating if absent) the log at `path` for appending, takes an exclusive advisory
 * lock on it (a second writer would fork the chain) and finds where its chain ends.
 */
export async function openLogForAppend(path: string): Promise<OpenedLog> {
  const file = await openLog(path);
  try {
    const info = await file.stat();
    // a device would take every record and keep none, a pipe would stall every call once
    // full; and narrowing a device's mode (/dev/null) would break it for everyone else
    if (!info.isFile) {
      throw new CodegenError(
        "INTERNAL",
        `Cannot open audit log "${path}": it is not a regular file (a device, a pipe or a socket)`,
      );
    }
    if (!(await file.tryLock(true))) {
      throw new CodegenError(
        "INTERNAL",
        `Cannot open audit log "${path}": another writer holds it`,
      );
    }
    // judge the file first: one refused (not an audit log, damaged) keeps its bytes and mode
    const at = await inspectChainEnd(file, path);
    const notes: OpenNotes = { head: at.head, droppedBytes: at.droppedBytes };
    const modeWas = await narrowMode(file, path);
    if (modeWas !== undefined) notes.modeWas = modeWas;
    await cutPartialLine(file, path, notes, at.size);
    return { file, identity: { dev: info.dev, ino: info.ino }, at, notes };
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
export function logOpened(path: string, notes: OpenNotes): void {
  if (notes.modeWas !== undefined) {
    log.warn("Audit log {path} was mode {mode}: now 600, its owner's alone", {
      path,
      mode: notes.modeWas.toString(8),
    });
  }
  if (notes.droppedBytes > 0) {
    log.warn("Dropped a partial last line of the audit log {path} ({bytes} bytes)", {
      path,
      bytes: notes.droppedBytes,
    });
  }
  anchor.info("Audit log {path} opened at seq {seq}, hash {hash}", { path, ...notes.head });
}

/** Logs the last record stored before the log was closed: the anchor for the next start. */
export function logClosed(path: string, head: ChainHead): void {
  anchor.info("Audit log {path} closed at seq {seq}, hash {hash}", { path, ...head });
}

/** A file's device and inode: what tells one file from another behind the same path. */
export interface FileIdentity {
  dev: number;
  ino: number | null;
}

/** How often, at most, an append looks whether the log is still at its path. */
const PATH_CHECK_EVERY_MS = 100;

/**
 * {@link checkStillAtPath} as an appender's check: run at most every 100 ms, as a path stat
 * on every append cost the serving thread about 16 µs per call (it waits for the append).
 * A log renamed away takes the records of at most that long before appends fail; they are
 * in it, on its chain.
 */
export function stillAtPathCheck(path: string, identity: FileIdentity): () => void {
  let checkedAt = -Infinity;
  return () => {
    const now = performance.now();
    if (now - checkedAt < PATH_CHECK_EVERY_MS) return;
    checkStillAtPath(path, identity);
    checkedAt = now;
  };
}

/**
 * Throws unless `path` still names the file opened as `identity`. A log renamed or removed
 * while open (rotated, deleted) would take records no one reads, and a second coordinator
 * could lock the new file at the path and start another chain: appends must fail instead.
 */
function checkStillAtPath(path: string, identity: FileIdentity): void {
  let now: Deno.FileInfo | undefined;
  try {
    now = Deno.statSync(path);
  } catch {
    // gone: reported below
  }
  if (now?.dev === identity.dev && now.ino === identity.ino) return;
  throw new CodegenError(
    "INTERNAL",
    `The audit log "${path}" was ${now ? "replaced" : "removed"} ${LOG_MOVED}: records ` +
      "would go to a file no one reads; restart to open the log at the path",
  );
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

// A log is created 0600, but one that existed (made by hand, copied, restored) keeps its
// mode: one that the group or others may read or write is narrowed to 0600. Returns the
// permission bits it had, or undefined when it was already private.
async function narrowMode(file: Deno.FsFile, path: string): Promise<number | undefined> {
  const mode = (await file.stat()).mode;
  if (mode === null || (mode & 0o077) === 0) return undefined;
  try {
    await Deno.chmod(path, 0o600);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CodegenError(
      "INTERNAL",
      `Cannot open audit log "${path}": others may read it and its mode cannot be narrowed: ${detail}`,
      { cause: err },
    );
  }
  return mode & 0o777;
}

// Removes the partial last line found on opening. The mode is narrowed by now: the
// error says so, as no warning will be logged for a log that failed to open.
async function cutPartialLine(
  file: Deno.FsFile,
  path: string,
  notes: OpenNotes,
  size: number,
): Promise<void> {
  if (notes.droppedBytes === 0) return;
  try {
    await file.truncate(size);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const narrowed = notes.modeWas === undefined
      ? ""
      : ` (its mode was narrowed from ${notes.modeWas.toString(8)} to 600)`;
    throw new CodegenError(
      "INTERNAL",
      `Cannot open audit log "${path}": its partial last line (${notes.droppedBytes} bytes) ` +
        `cannot be removed${narrowed}: ${detail}`,
      { cause: err },
    );
  }
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
