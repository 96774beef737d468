/**
 * The audit writer's Deno Worker: runs a {@link FileAuditSink} in a thread whose
 * permissions are only read and write on the audit log's directory. Started by
 * {@link createThreadAuditSink}; speaks {@link AuditThreadRequest} / {@link AuditThreadReply}.
 * @module
 */
import { CodegenError } from "../core/mod.ts";
import type { AuditEvent } from "./event.ts";
import { FileAuditSink } from "./file_sink.ts";
import { serveMailbox } from "./_mailbox.ts";
import { type ProbeOp, probePermission, type ProbeResult } from "../core/mod.ts";

/** What the parent asks the audit thread. `ts` is the parent's clock at append time. */
export type AuditThreadRequest =
  | { type: "open"; id: number; path: string; fsync: boolean }
  | { type: "append"; id: number; event: AuditEvent; ts: number }
  | { type: "close"; id: number }
  | { type: "mailbox"; id: number; buffer: SharedArrayBuffer }
  | { type: "probe"; id: number; op: ProbeOp };

/** The answer to the request with the same `id`. */
export type AuditThreadReply =
  | { id: number; ok: true; probe?: ProbeResult }
  | { id: number; ok: false; code: string; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<AuditThreadRequest>) => void) | null;
  postMessage(message: AuditThreadReply): void;
}

const scope = globalThis as unknown as WorkerScope;
let sink: FileAuditSink | undefined;
let closing = false;
// the parent's timestamps, oldest first: FileAuditSink reads its clock once per append, in
// append order, whether it does so at once or when the record's turn comes
const stamps: number[] = [];
const clock = { now: () => stamps.shift() ?? Date.now(), monotonic: () => performance.now() };

async function handle(request: AuditThreadRequest): Promise<ProbeResult | undefined> {
  switch (request.type) {
    case "open":
      if (sink) throw new CodegenError("INTERNAL", "The audit thread is already open");
      sink = await FileAuditSink.open(request.path, { fsync: request.fsync, clock });
      return undefined;
    case "append": {
      if (!sink) throw new CodegenError("INTERNAL", "The audit thread is not open");
      stamps.push(request.ts);
      await sink.append(request.event);
      return undefined;
    }
    case "close":
      closing = true;
      await sink?.close();
      return undefined;
    case "mailbox":
      // appends arrive through shared memory from now on (open, close, probe stay messages)
      void serveMailbox(request.buffer, appendFromMailbox, () => closing);
      return undefined;
    case "probe":
      return await probePermission(request.op);
  }
}

// A batch of appends, in order; the reply holds each one's error message or null.
async function appendFromMailbox(text: string): Promise<string> {
  const open = sink;
  if (!open) throw new CodegenError("INTERNAL", "The audit thread is not open");
  const { items } = JSON.parse(text) as { items: { event: AuditEvent; ts: number }[] };
  const results: (string | null)[] = [];
  for (const { event, ts } of items) {
    stamps.push(ts);
    try {
      await open.append(event);
      results.push(null);
    } catch (err) {
      results.push(CodegenError.from(err).message);
    }
  }
  return JSON.stringify(results);
}

scope.onmessage = (message) => {
  const request = message.data;
  handle(request).then(
    (probe) =>
      scope.postMessage(probe ? { id: request.id, ok: true, probe } : { id: request.id, ok: true }),
    (err) => {
      const e = CodegenError.from(err);
      scope.postMessage({ id: request.id, ok: false, code: e.code, message: e.message });
    },
  );
};
