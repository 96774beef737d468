import { type Clock, CodegenError, SYSTEM_CLOCK } from "../core/mod.ts";
import type { AuditThreadReply, AuditThreadRequest } from "./audit_thread.ts";
import { type ChainHead, EMPTY_HEAD } from "./chain.ts";
import { sealLine } from "./chain_writer.ts";
import { type AuditEvent, MAX_RECORD_BYTES } from "./event.ts";
import { createMailboxBuffer, MailboxSender } from "./_mailbox.ts";
import { logClosed, logOpened } from "./open_log.ts";
import type { AuditSink } from "./sink.ts";
import type { ProbeOp, ProbeResult } from "../core/mod.ts";

/** Options for {@link createThreadAuditSink}. */
export interface ThreadAuditSinkOptions {
  /** Source of record timestamps, read when `append` is called. Default: the system clock. */
  clock?: Clock;
  /** Also `fdatasync` each record before `append` resolves. Default false. */
  fsync?: boolean;
}

/** The audit thread's script; `deno compile` must `--include` it. */
export const AUDIT_THREAD_URL: URL = new URL("./audit_thread.ts", import.meta.url);

/** Most appends sent in one mailbox round trip. */
const MAX_BATCH = 64;

interface Queued {
  event: AuditEvent;
  ts: number;
  resolve(): void;
  reject(err: unknown): void;
}

function gone(path: string): CodegenError {
  return new CodegenError("INTERNAL", `Cannot write audit log "${path}": the audit thread is gone`);
}

interface Pending {
  resolve(reply: AuditThreadReply & { ok: true }): void;
  reject(err: Error): void;
}

/**
 * An {@link AuditSink} whose file is written by a Deno Worker that may read and write only
 * the log's directory: the process holding it can drop its own write permission. `append`
 * resolves once the thread has written the record, in call order.
 *
 * Records are sealed onto the chain here, in the calling thread, and the audit thread only
 * appends the lines: code that runs right after a thread wakes from sleep runs several
 * times slower (cold caches), and the caller's thread is awake anyway. The chain's head
 * moves on only once the thread reports the lines stored.
 */
export class ThreadAuditSink implements AuditSink {
  #worker: Worker;
  #path: string;
  #clock: Clock;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  #failure: Error | undefined;
  #mailbox: MailboxSender | undefined;
  #head: ChainHead = EMPTY_HEAD;
  // appends waiting for the mailbox; sent in call order, as one batch per round trip
  #queue: Queued[] = [];
  #pumping: Promise<void> | undefined;

  private constructor(worker: Worker, path: string, clock: Clock) {
    this.#worker = worker;
    this.#path = path;
    this.#clock = clock;
    worker.onmessage = (message: MessageEvent<AuditThreadReply>) => this.#settle(message.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(`the audit thread stopped: ${event.message}`);
    };
    worker.onmessageerror = () => this.#fail("the audit thread sent an unreadable message");
  }

  /** Starts the thread with grants on `path`'s directory only and opens the log there. */
  static async open(path: string, options: ThreadAuditSinkOptions = {}): Promise<ThreadAuditSink> {
    const { dir, absolute } = await prepareDir(path);
    const worker = new Worker(AUDIT_THREAD_URL, {
      type: "module",
      deno: { permissions: auditThreadPermissions(dir) },
    } as WorkerOptions);
    const sink = new ThreadAuditSink(worker, absolute, options.clock ?? SYSTEM_CLOCK);
    try {
      const opened = await sink.#request({
        type: "open",
        id: 0,
        path: absolute,
        fsync: options.fsync ?? false,
      });
      const notes = opened.opened ?? { head: EMPTY_HEAD, droppedBytes: 0 };
      sink.#head = notes.head;
      logOpened(absolute, notes);
      const buffer = createMailboxBuffer(MAX_RECORD_BYTES + 64 * 1024);
      await sink.#request({ type: "mailbox", id: 0, buffer });
      sink.#mailbox = new MailboxSender(buffer);
    } catch (err) {
      sink.#terminate();
      throw err;
    }
    return sink;
  }

  /** The last stored record's `seq` and `hash` (logged on open and close as an anchor). */
  get head(): ChainHead {
    return { ...this.#head };
  }

  append(event: AuditEvent): Promise<void> {
    if (this.#closed) {
      const message = `Cannot append to audit log "${this.#path}": the sink is closed`;
      return Promise.reject(new CodegenError("INTERNAL", message));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, ts: this.#clock.now(), resolve, reject });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#pumping) return;
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined;
      // an append may have been queued after the loop saw the queue empty
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #pump(): Promise<void> {
    while (this.#queue.length > 0) await this.#store(this.#queue.splice(0, MAX_BATCH));
  }

  // Seals the batch onto the chain (refusing bad events one by one) and sends the lines to
  // the thread in as few round trips as the mailbox allows. The head moves on when a round
  // trip is stored; when one fails, its records are refused and the rest chain on from the
  // last stored record.
  async #store(batch: Queued[]): Promise<void> {
    const mailbox = this.#mailbox!;
    let held: { item: Queued; line: string }[] = [];
    let bytes = 0;
    let head = this.#head;
    const flush = async () => {
      const sent = held;
      held = [];
      bytes = 0;
      try {
        await this.#append(mailbox, sent.map((h) => h.line).join(""));
        this.#head = head;
        for (const { item } of sent) item.resolve();
      } catch (err) {
        head = this.#head;
        for (const { item } of sent) item.reject(err);
      }
    };
    for (const item of batch) {
      let sealed = seal(head, item);
      if (sealed && held.length > 0 && !mailbox.fits(bytes + sealed.bytesAtMost)) {
        const before = head;
        await flush();
        if (head !== before) sealed = seal(head, item);
      }
      if (!sealed) continue;
      head = { seq: sealed.seq, hash: sealed.hash };
      held.push({ item, line: `${sealed.line}\n` });
      bytes += sealed.bytesAtMost;
    }
    if (held.length > 0) await flush();
  }

  async #append(mailbox: MailboxSender, lines: string): Promise<void> {
    if (this.#failure) throw this.#failure;
    let answer;
    try {
      answer = await mailbox.send(lines, () => this.#failure === undefined);
    } catch {
      throw this.#failure ?? gone(this.#path);
    }
    if (!answer.ok) throw new CodegenError("INTERNAL", answer.error);
  }

  /**
   * Asks the thread whether it may perform `op` (it never performs a permitted one): how
   * tests and `codegen-mcp permissions` show the thread's narrowing from the inside.
   */
  async probe(op: ProbeOp): Promise<ProbeResult> {
    const reply = await this.#request({ type: "probe", id: 0, op });
    return reply.probe ?? { permitted: true };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      while (this.#pumping) await this.#pumping;
      if (!this.#failure) await this.#request({ type: "close", id: 0 });
    } finally {
      this.#terminate();
      logClosed(this.#path, this.#head);
    }
  }

  #request(request: AuditThreadRequest): Promise<AuditThreadReply & { ok: true }> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  #settle(reply: AuditThreadReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new CodegenError("INTERNAL", reply.message));
  }

  #fail(detail: string): void {
    this.#failure ??= new CodegenError(
      "INTERNAL",
      `Cannot write audit log "${this.#path}": ${detail}`,
    );
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
    this.#terminate();
    this.#mailbox?.wake();
  }

  #terminate(): void {
    this.#worker.terminate();
  }
}

/** The audit thread's grants: read and write on `dir`, nothing else. */
export function auditThreadPermissions(dir: string): Deno.PermissionOptionsObject {
  return {
    read: [dir],
    write: [dir],
    net: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}

/** Starts the audit thread for the log at `path` (creating its directory if absent). */
export function createThreadAuditSink(
  path: string,
  options: ThreadAuditSinkOptions = {},
): Promise<ThreadAuditSink> {
  return ThreadAuditSink.open(path, options);
}

function absolutePath(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

// Creates the log's directory (the thread may not create its own grant's parent) and
// returns its real path and the log's path in it: grants hold real paths, so a directory
// reached through a symlink is granted, and the log opened, where it really is.
async function prepareDir(path: string): Promise<{ dir: string; absolute: string }> {
  const given = absolutePath(path);
  const slash = given.lastIndexOf("/");
  // a directory named as the log would have its parent granted, and the parent refuse
  if ((await Deno.stat(given).catch(() => undefined))?.isDirectory) {
    throw new CodegenError(
      "INVALID_ARGUMENT",
      `Cannot open audit log "${path}": it is a directory; name a file (e.g. ` +
        `"${given.replace(/\/+$/, "")}/audit.jsonl")`,
    );
  }
  try {
    await Deno.mkdir(given.slice(0, slash) || "/", { recursive: true, mode: 0o700 });
    const dir = await Deno.realPath(given.slice(0, slash) || "/");
    return { dir, absolute: `${dir === "/" ? "" : dir}${given.slice(slash)}` };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CodegenError("INTERNAL", `Cannot open audit log "${path}": ${detail}`, {
      cause: err,
    });
  }
}

// The event sealed after `head`, or undefined once the append is refused (a bad event).
function seal(head: ChainHead, item: Queued): ReturnType<typeof sealLine> | undefined {
  try {
    return sealLine(head, item.event, new Date(item.ts).toISOString());
  } catch (err) {
    item.reject(err);
    return undefined;
  }
}
