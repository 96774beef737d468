/**
 * Reads back the JUnit report a test.run's pytest wrote. The report directory is writable
 * from the sandbox, so test code can replace the report with anything: it is read only when
 * it is a regular file of bounded size, at most that many bytes, and parsed with a bounded
 * number of elements (see MAX_ELEMENTS), so no report can make the worker hold or parse more.
 * @module
 */
import { getLogger } from "../../core/mod.ts";
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
  let info: Deno.FileInfo;
  try {
    // lstat: the sandbox could have left a symlink to somewhere else on the host
    info = await Deno.lstat(path);
  } catch {
    return { ok: false };
  }
  if (!info.isFile) return { ok: false };
  if (info.size > MAX_REPORT_BYTES) return { ok: false, ignored: TOO_BIG };
  let bytes: Uint8Array;
  try {
    using file = await Deno.open(path, { read: true });
    const opened = await file.stat();
    // the same file as the one checked (not swapped for a symlink since), its size now
    if (!opened.isFile || opened.ino !== info.ino || opened.dev !== info.dev) return { ok: false };
    if (opened.size > MAX_REPORT_BYTES) return { ok: false, ignored: TOO_BIG };
    bytes = await readAtMost(file, MAX_REPORT_BYTES + 1);
  } catch (err) {
    log.warn("Could not read the JUnit report: {error}", { error: String(err) });
    return { ok: false };
  }
  if (bytes.length > MAX_REPORT_BYTES) return { ok: false, ignored: TOO_BIG }; // it grew
  const parsed = parseJunit(new TextDecoder().decode(bytes));
  if (parsed.ok) return parsed;
  if (parsed.tooLarge) return { ok: false, ignored: TOO_MANY };
  log.warn("Unreadable JUnit report: {reason}", { reason: parsed.reason });
  return { ok: false };
}

/** Reads until the end of the file or `max` bytes, whichever comes first. */
async function readAtMost(file: Deno.FsFile, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < max) {
    const buf = new Uint8Array(Math.min(max - total, 1 << 20));
    const n = await file.read(buf);
    if (n === null) break;
    chunks.push(buf.subarray(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
