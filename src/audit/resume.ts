import { CodegenError } from "../core/mod.ts";
import { type ChainHead, EMPTY_HEAD } from "./chain.ts";
import { MAX_RECORD_BYTES } from "./event.ts";
import { type ParsedLine, parseRecordLine } from "./record_shape.ts";

const NEWLINE = 0x0a;
const CHUNK_BYTES = 64 * 1024;
// as the verifier reads: a line that is not UTF-8, or starts with a byte order mark, is not
// one the writer stored
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * How every stored line begins: records are canonical JSON (keys sorted) and `arguments`,
 * always an object, is the first key (see chain.ts).
 */
export const RECORD_START: Uint8Array = new TextEncoder().encode('{"arguments":{');

/**
 * Where an existing log's chain ends: its head, the length to keep, and how many bytes of
 * a partial last line follow that length (to cut before appending).
 */
export interface ResumePoint {
  head: ChainHead;
  size: number;
  droppedBytes: number;
}

/**
 * Finds the last complete record of an open log so appends continue its chain, changing
 * nothing: a file that is not an audit log must come out as it went in. A partial last
 * line (the process died mid-write, so no caller was ever told it was stored) is reported
 * for the caller to cut. A damaged last record is refused: starting a new chain over it
 * would hide the damage. So is a file with no complete line whose text does not begin as
 * a record does: it is some other file, not a log cut off in its first write.
 */
export async function inspectChainEnd(file: Deno.FsFile, path: string): Promise<ResumePoint> {
  const length = (await file.stat()).size;
  if (length === 0) return { head: EMPTY_HEAD, size: 0, droppedBytes: 0 };
  const size = (await lastNewline(file, length, path)) + 1;
  const droppedBytes = length - size;
  if (size === 0) {
    if (!beginsAsRecord(await readAt(file, 0, RECORD_START.length))) {
      throw new CodegenError(
        "INTERNAL",
        `Cannot resume audit log "${path}": it holds no complete record and does not begin ` +
          "as one: it is not an audit log",
      );
    }
    return { head: EMPTY_HEAD, size, droppedBytes };
  }
  const start = (await lastNewline(file, size - 1, path)) + 1;
  const parsed = parseLastLine(await readAt(file, start, size - 1 - start));
  if (!parsed.ok) {
    throw new CodegenError(
      "INTERNAL",
      `Cannot resume audit log "${path}": its last record is damaged (${parsed.reason})`,
    );
  }
  return { head: { seq: parsed.record.seq, hash: parsed.record.hash }, size, droppedBytes };
}

// Whether `head` (the first bytes of a file, as many as RECORD_START has, or all of a
// shorter file) is how a record line begins, or a start of that.
function beginsAsRecord(head: Uint8Array): boolean {
  return head.every((byte, i) => byte === RECORD_START[i]);
}

function parseLastLine(bytes: Uint8Array): ParsedLine {
  let line: string;
  try {
    line = decoder.decode(bytes);
  } catch {
    return { ok: false, reason: "line is not valid UTF-8" };
  }
  return parseRecordLine(line);
}

/** Offset of the last newline before `end`, or -1 if the line runs from the file start. */
async function lastNewline(file: Deno.FsFile, end: number, path: string): Promise<number> {
  const floor = Math.max(0, end - MAX_RECORD_BYTES);
  for (let stop = end; stop > floor;) {
    const from = Math.max(floor, stop - CHUNK_BYTES);
    const chunk = await readAt(file, from, stop - from);
    const at = chunk.lastIndexOf(NEWLINE);
    if (at >= 0) return from + at;
    stop = from;
  }
  if (floor === 0) return -1;
  throw new CodegenError(
    "INTERNAL",
    `Cannot resume audit log "${path}": its last line is longer than ${MAX_RECORD_BYTES} bytes`,
  );
}

async function readAt(file: Deno.FsFile, position: number, length: number): Promise<Uint8Array> {
  await file.seek(position, Deno.SeekMode.Start);
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(out.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return out.subarray(0, filled);
}
