import { closeSync, readSync } from "node:fs";
import { CodegenError, openForRead } from "../core/mod.ts";
import type { ChainHead } from "./chain.ts";
import { type ChainBreak, ChainVerifier, jumpReason } from "./chain_verifier.ts";
import { MAX_RECORD_BYTES } from "./event.ts";
import { type ByteSource, type Line, readLines } from "./line_reader.ts";

/** Options for {@link verifyAuditLog}. */
export interface AuditVerifyOptions {
  /**
   * Records' `seq` and `hash` kept outside the file (the coordinator logs its head when it
   * opens and closes the log): the log must hold each of those records. Catches what the
   * chain alone cannot: records removed from the end, or a log rewritten and re-hashed to
   * its end.
   */
  anchors?: readonly ChainHead[];
}

/** Result of {@link verifyAuditLog}: the record count, or the first bad line (1-based). */
export type AuditVerifyResult =
  | { ok: true; records: number }
  | { ok: false; line: number; reason: string };

// ignoreBOM keeps a byte order mark in the text (each decode call would otherwise drop one
// at the start of a line), so a line with one is not taken for the line the writer stored
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder();

/**
 * Checks the whole hash chain of the log at `path`, streaming it line by line (memory is
 * bounded by one line, {@link MAX_RECORD_BYTES}). Reports the first line that was edited,
 * reordered, follows a removed record, or was cut off. Records removed from the end leave
 * no trace in the file itself: only `options.anchors` expose them. Throws a `CodegenError`
 * only if the file cannot be read or is not a regular file.
 */
export async function verifyAuditLog(
  path: string,
  options: AuditVerifyOptions = {},
): Promise<AuditVerifyResult> {
  const file = openRegularFile(path);
  try {
    return await verifyOpenFile(file, anchorList(options.anchors));
  } catch (err) {
    throw new CodegenError("INTERNAL", `Cannot read audit log "${path}": ${errorText(err)}`, {
      cause: err,
    });
  } finally {
    file.close();
  }
}

/** A file open for reading by descriptor, as {@link openRegularFile} returns it. */
interface OpenedFile extends ByteSource {
  close(): void;
}

// Opens `path` and refuses anything but a regular file, judged on what was opened (no
// window for a swap): a FIFO would hang the read, and a device such as /dev/null reads as
// an empty, "intact" log.
function openRegularFile(path: string): OpenedFile {
  let fd: number;
  let isFile: boolean;
  try {
    const opened = openForRead(path);
    fd = opened.fd;
    isFile = opened.stat.isFile();
  } catch (err) {
    const missing = (err as { code?: unknown }).code === "ENOENT";
    throw new CodegenError(
      missing ? "NOT_FOUND" : "INTERNAL",
      `Cannot read audit log "${path}": ${missing ? "no such file" : errorText(err)}`,
      { cause: err },
    );
  }
  if (!isFile) {
    closeSync(fd);
    throw new CodegenError(
      "INVALID_ARGUMENT",
      `Cannot read audit log "${path}": it is not a regular file (a directory, a device, ` +
        "a pipe or a socket)",
    );
  }
  return {
    // synchronous reads: a local file, read by a command that does nothing else meanwhile
    read: (into) => {
      try {
        const n = readSync(fd, into);
        return Promise.resolve(n === 0 ? null : n);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close: () => closeSync(fd),
  };
}

// The anchors in `seq` order, so the file is checked against them as it streams.
function anchorList(anchors: AuditVerifyOptions["anchors"]): ChainHead[] {
  return [...anchors ?? []].sort((a, b) => a.seq - b.seq);
}

async function verifyOpenFile(
  file: ByteSource,
  anchors: ChainHead[],
): Promise<AuditVerifyResult> {
  const verifier = new ChainVerifier();
  let nextAnchor = 0;
  const lines = readLines(file, MAX_RECORD_BYTES);
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.kind === "too_long") {
      return { ok: false, line: number, reason: `line is longer than ${MAX_RECORD_BYTES} bytes` };
    }
    if (!line.terminated) {
      return {
        ok: false,
        line: number,
        reason: "partial trailing line: the last record was cut off while being written",
      };
    }
    let text: string;
    try {
      text = decoder.decode(line.bytes);
    } catch {
      return { ok: false, line: number, reason: "line is not valid UTF-8" };
    }
    const broken = verifier.check(text);
    if (broken !== undefined) {
      return { ok: false, line: number, reason: await explain(broken, lines, number) };
    }
    // anchors below this record were passed (seq 0, the empty log's head, asserts nothing)
    for (
      ;
      nextAnchor < anchors.length && anchors[nextAnchor]!.seq <= verifier.records;
      nextAnchor++
    ) {
      const anchor = anchors[nextAnchor]!;
      if (anchor.seq === verifier.records && anchor.hash !== verifier.head.hash) {
        return {
          ok: false,
          line: number,
          reason: `record ${anchor.seq} does not have the anchor's hash: ` +
            "the log was rewritten at or before this line",
        };
      }
    }
  }
  const beyond = anchors.find((anchor) => anchor.seq > verifier.records);
  if (beyond !== undefined) {
    return {
      ok: false,
      line: number + 1,
      reason: `log ends at seq ${verifier.records}, before the anchor's seq ${beyond.seq}: ` +
        "records were removed from the end",
    };
  }
  return { ok: true, records: verifier.records };
}

// Two swapped records first show as a jump (3, then 5): read on for the skipped record to
// tell a reorder from a removal. Only the `seq` of the remaining lines is looked at.
async function explain(
  broken: ChainBreak,
  rest: AsyncIterable<Line>,
  at: number,
): Promise<string> {
  if (broken.skipped === undefined) return broken.reason;
  const { expected, seq } = broken.skipped;
  let number = at;
  for await (const line of rest) {
    number++;
    if (line.kind !== "line") break;
    if (seqOf(line.bytes) === expected) return jumpReason(expected, seq, number);
  }
  return broken.reason;
}

function seqOf(bytes: Uint8Array): unknown {
  try {
    return (JSON.parse(lenient.decode(bytes)) as { seq?: unknown } | null)?.seq;
  } catch {
    return undefined;
  }
}

/**
 * `codegen-mcp audit verify FILE [--anchor SEQ:HASH]...`: one line for the operator and the
 * exit code.
 */
export async function runAuditVerify(
  file: string,
  options: AuditVerifyOptions = {},
): Promise<{ exitCode: 0 | 1; message: string }> {
  try {
    const result = await verifyAuditLog(file, options);
    if (result.ok) {
      const anchored = matchedAnchors(anchorList(options.anchors));
      return { exitCode: 0, message: `audit log intact: ${result.records} records${anchored}` };
    }
    return { exitCode: 1, message: `audit log broken at line ${result.line}: ${result.reason}` };
  } catch (err) {
    return { exitCode: 1, message: CodegenError.from(err).message };
  }
}

// What a verified log's line says of the anchors it was given.
function matchedAnchors(anchors: ChainHead[]): string {
  if (anchors.length === 0) return "";
  if (anchors.length === 1) return `, record ${anchors[0]!.seq} matches the anchor`;
  return `, records ${anchors.map((a) => a.seq).join(", ")} match the anchors`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
