/**
 * Reads back the JUnit report a test.run's pytest wrote. The report directory is writable
 * from the sandbox, so test code can replace the report with anything: it is read only when
 * it is a regular file of bounded size, at most that many bytes, and parsed with a bounded
 * number of elements (see MAX_ELEMENTS), so no report can make the worker hold or parse more.
 * @module
 */
import { posix } from "node:path";
import { CodegenError, getLogger } from "../../core/mod.ts";
import { type OpenedFile, openVerified, readRange } from "../fs/mod.ts";
import { type JunitSummary, parseJunit } from "./junit.ts";
import { MAX_ELEMENTS } from "./_xml.ts";

const log = getLogger("worker", "pytest");

/** Largest JUnit report read back; a larger one is ignored. */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/**
 * The report's summary, or none: `ignored` says why a report that was there was not used
 * (too large); without it there was no readable report at all.
 */
export type JunitReport =
  | { ok: true; summary: JunitSummary }
  | { ok: false; ignored?: string };

const TOO_BIG = `it is larger than ${MAX_REPORT_BYTES / (1024 * 1024)} MiB`;
const TOO_MANY = `it holds more than ${MAX_ELEMENTS} elements`;

/** Reads the report at `path` if pytest wrote a regular file of sane size. */
export async function readJunitReport(path: string): Promise<JunitReport> {
  // opened as workspace files are: no link, no FIFO, the very file checked (see fs/open.ts)
  const op = { verb: "read", path: posix.basename(path) };
  let opened: OpenedFile;
  try {
    opened = await openVerified(posix.dirname(path), path, op);
  } catch (err) {
    const code = err instanceof CodegenError ? err.code : undefined;
    if (code !== "NOT_FOUND" && code !== "PATH_VIOLATION") {
      log.warn("Could not read the JUnit report: {error}", { error: String(err) });
    }
    return { ok: false };
  }
  const { file, info } = opened;
  let bytes: Uint8Array;
  try {
    if (info.size > MAX_REPORT_BYTES) return { ok: false, ignored: TOO_BIG };
    bytes = await readRange(file, { offset: 0, length: info.size });
  } finally {
    file.close();
  }
  const parsed = parseJunit(new TextDecoder().decode(bytes));
  if (parsed.ok) return parsed;
  if (parsed.tooLarge) return { ok: false, ignored: TOO_MANY };
  log.warn("Unreadable JUnit report: {reason}", { reason: parsed.reason });
  return { ok: false };
}
