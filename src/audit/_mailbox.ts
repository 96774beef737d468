/**
 * A one-slot mailbox in shared memory between the serving thread and the audit thread.
 * The sender sends one request at a time (appends that arrive meanwhile are batched into
 * the next), so one slot suffices: the sender writes a request,
 * bumps `REQUEST` and notifies; the audit thread, blocked on that word, handles it,
 * writes the status, bumps `DONE` and notifies. A futex wake-up costs far less CPU than a
 * message through both threads' event loops, and this is on every tool call's path.
 * @module
 */
import { waitAsync } from "../core/mod.ts";

const REQUEST = 0;
const DONE = 1;
const STATUS = 2;
const LENGTH = 3;
const CONTROL_BYTES = 16;
/** How long the receiver blocks before letting its other messages in. */
const IDLE_WAIT_MS = 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The receiver's answer: its reply text, or the message of the error it threw. */
export type MailboxReply = { ok: true; reply: string } | { ok: false; error: string };

/** Shared memory for one mailbox: control words plus a payload area of `capacity` bytes. */
export function createMailboxBuffer(capacity: number): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + capacity);
}

interface Views {
  control: Int32Array;
  payload: Uint8Array;
}

function views(buffer: SharedArrayBuffer): Views {
  return { control: new Int32Array(buffer, 0, 4), payload: new Uint8Array(buffer, CONTROL_BYTES) };
}

/** The serving thread's side: sends one request at a time and waits for its status. */
export class MailboxSender {
  #v: Views;
  #seq = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.#v = views(buffer);
  }

  /** Whether a message of up to this many bytes fits the payload area. */
  fits(bytes: number): boolean {
    return bytes <= this.#v.payload.length;
  }

  /** Wakes a pending `send` so it re-checks `alive` (call when the receiver died). */
  wake(): void {
    Atomics.notify(this.#v.control, DONE);
  }

  /**
   * Sends `message`; resolves with the receiver's error text, or undefined on success.
   * Rejects once `alive` turns false (the owner calls {@link wake} when the receiver
   * dies). Calls must not overlap (the caller queues them).
   */
  async send(message: string, alive: () => boolean): Promise<MailboxReply> {
    const { control, payload } = this.#v;
    const { written } = encoder.encodeInto(message, payload);
    Atomics.store(control, LENGTH, written);
    const seq = ++this.#seq;
    Atomics.store(control, REQUEST, seq);
    Atomics.notify(control, REQUEST);
    for (let done = Atomics.load(control, DONE); done < seq; done = Atomics.load(control, DONE)) {
      if (!alive()) throw new Error("the audit thread is gone");
      const r = waitAsync(control, DONE, done);
      if (r.async) await r.value;
    }
    const text = decoder.decode(payload.slice(0, Atomics.load(control, LENGTH)));
    return Atomics.load(control, STATUS) === 0
      ? { ok: true, reply: text }
      : { ok: false, error: text };
  }
}

/**
 * The audit thread's side: handles requests in order until `stop` says so. `handle` gets
 * the request's UTF-8 bytes (a copy, not a view of shared memory).
 */
export async function serveMailbox(
  buffer: SharedArrayBuffer,
  handle: (message: Uint8Array) => Promise<string>,
  stop: () => boolean,
): Promise<void> {
  const { control, payload } = views(buffer);
  let seen = Atomics.load(control, REQUEST);
  while (!stop()) {
    // This thread does nothing else, so it blocks on the request word; when idle it
    // returns to its event loop now and then so open, close and probe messages get in.
    if (Atomics.wait(control, REQUEST, seen, IDLE_WAIT_MS) === "timed-out") {
      await new Promise((resolve) => setTimeout(resolve, 0));
      continue;
    }
    const seq = Atomics.load(control, REQUEST);
    if (seq === seen) continue;
    seen = seq;
    const request = payload.slice(0, Atomics.load(control, LENGTH));
    let status = 0;
    let reply: string;
    try {
      reply = await handle(request);
    } catch (err) {
      status = 1;
      reply = (err instanceof Error ? err.message : String(err)).slice(0, 4096);
    }
    Atomics.store(control, LENGTH, encoder.encodeInto(reply, payload).written);
    Atomics.store(control, STATUS, status);
    Atomics.store(control, DONE, seq);
    Atomics.notify(control, DONE);
  }
}
