/**
 * The audit writer's Deno Worker: appends sealed lines to the log in a thread whose
 * permissions are only read and write on the log's directory. The records are sealed onto
 * the chain by {@link ThreadAuditSink} in the calling thread; this thread opens and locks
 * the file, reports where the chain ends, and appends what it is sent, all or nothing.
 * Speaks {@link AuditThreadRequest} / {@link AuditThreadReply}; appends arrive through
 * shared memory (see _mailbox.ts).
 * @module
 */
import { CodegenError } from "../core/mod.ts";
import { LineAppender } from "./line_appender.ts";
import { openLogForAppend, type OpenNotes, stillAtPathCheck, syncLogFile } from "./open_log.ts";
import { serveMailbox } from "./_mailbox.ts";
import { type ProbeOp, probePermission, type ProbeResult } from "../core/mod.ts";

/** What the parent asks the audit thread. */
export type AuditThreadRequest =
  | { type: "open"; id: number; path: string; fsync: boolean }
  | { type: "close"; id: number }
  | { type: "mailbox"; id: number; buffer: SharedArrayBuffer }
  | { type: "probe"; id: number; op: ProbeOp };

/**
 * A request's success: `open` answers with what {@link logOpened} reports (the chain's
 * head, a partial last line dropped, a mode narrowed), `probe` with its finding.
 */
type Done = { ok: true; opened?: OpenNotes; probe?: ProbeResult };

/** The answer to the request with the same `id`. */
export type AuditThreadReply =
  | ({ id: number } & Done)
  | { id: number; ok: false; code: string; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<AuditThreadRequest>) => void) | null;
  postMessage(message: AuditThreadReply): void;
}

const scope = globalThis as unknown as WorkerScope;
let log: { file: Deno.FsFile; appender: LineAppender } | undefined;
let closing = false;

async function handle(request: AuditThreadRequest): Promise<Done> {
  switch (request.type) {
    case "open": {
      if (log) throw new CodegenError("INTERNAL", "The audit thread is already open");
      const { file, identity, at, notes } = await openLogForAppend(request.path);
      const appender = new LineAppender(syncLogFile(file), {
        path: request.path,
        size: at.size,
        fsync: request.fsync,
        check: stillAtPathCheck(request.path, identity),
      });
      log = { file, appender };
      return { ok: true, opened: notes };
    }
    case "close":
      closing = true;
      log?.file.close();
      log = undefined;
      return { ok: true };
    case "mailbox":
      // appends arrive through shared memory from now on (open, close, probe stay messages)
      void serveMailbox(request.buffer, appendLines, () => closing);
      return { ok: true };
    case "probe":
      return { ok: true, probe: await probePermission(request.op) };
  }
}

// Whole lines, already sealed; the reply is empty, or the error thrown is sent back.
async function appendLines(bytes: Uint8Array): Promise<string> {
  if (!log) throw new CodegenError("INTERNAL", "The audit thread is not open");
  await log.appender.append(bytes);
  return "";
}

scope.onmessage = (message) => {
  const request = message.data;
  handle(request).then(
    (done) => scope.postMessage({ id: request.id, ...done }),
    (err) => {
      const e = CodegenError.from(err);
      scope.postMessage({ id: request.id, ok: false, code: e.code, message: e.message });
    },
  );
};
