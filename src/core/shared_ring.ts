/**
 * A one-way queue of text messages between two threads in shared memory: one thread
 * writes, the other reads, in order. A message through a Deno Worker's `postMessage` goes
 * through both threads' event loops and V8's serializer (about 50 µs of CPU for a round
 * trip here); through the ring it is a copy and an `Atomics.notify` (about 20 µs). Neither
 * side ever blocks its thread: waits are `Atomics.waitAsync`. A message larger than the
 * ring streams through it in pieces, so the ring's size bounds memory, not messages.
 *
 * Layout: four int32 control words (bytes written so far, bytes read so far, closed flag,
 * and a signal count the writer bumps after each of its changes), then the data area. The
 * counters wrap at 2^32; their difference is what is queued. Each message is a 4-byte
 * little-endian length and its UTF-8 bytes. The reader waits on the signal word, not on
 * the written count: a close changes no byte count, so a close landing between the
 * reader's look at the closed flag and its wait would otherwise never wake it.
 * @module
 */
import { waitAsync } from "./wait_async.ts";

const WRITTEN = 0;
const READ = 1;
const CLOSED = 2;
const SIGNAL = 3;
const CONTROL_BYTES = 16;
const HEADER_BYTES = 4;
/** Longest message a reader accepts: a longer length can only be corruption. */
const MAX_MESSAGE_BYTES = 1 << 30;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Shared memory for one ring; `capacity` (bytes) must be a power of two, at least 64. */
export function createRingBuffer(capacity: number): SharedArrayBuffer {
  if (!Number.isInteger(capacity) || capacity < 64 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`Ring capacity must be a power of two of at least 64, not ${capacity}`);
  }
  return new SharedArrayBuffer(CONTROL_BYTES + capacity);
}

/** Views of a ring's shared memory: its four control words and its data area. */
export interface Ring {
  control: Int32Array;
  data: Uint8Array;
  mask: number;
}

/** The views of a buffer made by {@link createRingBuffer}. */
export function ring(buffer: SharedArrayBuffer): Ring {
  const data = new Uint8Array(buffer, CONTROL_BYTES);
  return { control: new Int32Array(buffer, 0, 4), data, mask: data.length - 1 };
}

/** The writing side. Only one thread may write to a ring. */
export class RingWriter {
  #ring: Ring;
  // chunks not yet in the ring (a message is its header then its bytes); #offset is how
  // much of the first one is already in
  #queue: Uint8Array[] = [];
  #offset = 0;
  #waiting = false;
  #closed = false;

  constructor(buffer: SharedArrayBuffer) {
    this.#ring = ring(buffer);
  }

  /** Bytes accepted but not yet in the ring (the reader is behind). */
  get backlog(): number {
    let total = 0;
    for (const chunk of this.#queue) total += chunk.length;
    return total - this.#offset;
  }

  /**
   * Queues `text`; it reaches the reader after every message written before it. Returns
   * at once: what does not fit yet goes in as the reader makes room.
   */
  write(text: string): void {
    if (this.#closed) throw new Error("The ring is closed");
    const bytes = encoder.encode(text);
    const header = new Uint8Array(HEADER_BYTES);
    new DataView(header.buffer).setUint32(0, bytes.length, true);
    this.#queue.push(header, bytes);
    if (!this.#waiting) this.#flush();
  }

  /**
   * Tells the reader no more messages follow, once those already written are in the ring
   * (the reader's `run` then ends after reading them).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#queue.length === 0) this.#markClosed();
  }

  /** Closes at once, dropping what is not yet in the ring (the reader is gone). */
  abort(): void {
    this.#closed = true;
    this.#queue = [];
    this.#offset = 0;
    this.#markClosed();
    // a wait for room ends too
    Atomics.notify(this.#ring.control, READ);
  }

  #markClosed(): void {
    Atomics.store(this.#ring.control, CLOSED, 1);
    signal(this.#ring.control);
  }

  #flush(): void {
    const { control, data, mask } = this.#ring;
    let written = Atomics.load(control, WRITTEN);
    const read = Atomics.load(control, READ);
    let room = data.length - ((written - read) | 0);
    while (this.#queue.length > 0 && room > 0) {
      const chunk = this.#queue[0]!;
      const n = Math.min(room, chunk.length - this.#offset);
      copyIn(data, written & mask, chunk.subarray(this.#offset, this.#offset + n));
      written = (written + n) | 0;
      room -= n;
      this.#offset += n;
      if (this.#offset === chunk.length) {
        this.#queue.shift();
        this.#offset = 0;
      }
    }
    Atomics.store(control, WRITTEN, written);
    signal(control);
    if (this.#queue.length > 0) void this.#waitForRoom(read);
    else if (this.#closed) this.#markClosed();
  }

  async #waitForRoom(read: number): Promise<void> {
    this.#waiting = true;
    const wait = waitAsync(this.#ring.control, READ, read);
    if (wait.async) await wait.value;
    this.#waiting = false;
    if (this.#queue.length > 0) this.#flush();
  }
}

/** The reading side. Only one thread may read from a ring. */
export class RingReader {
  #ring: Ring;
  #stopped = false;

  constructor(buffer: SharedArrayBuffer) {
    this.#ring = ring(buffer);
  }

  /**
   * Calls `onMessage` with each message in order until the writer closes the ring or
   * {@link stop} is called. An exception from `onMessage` ends the loop and rejects.
   */
  async run(onMessage: (text: string) => void): Promise<void> {
    const { control, data, mask } = this.#ring;
    const header = new Uint8Array(HEADER_BYTES);
    const headerView = new DataView(header.buffer);
    let headerFilled = 0;
    let body: Uint8Array | undefined;
    let filled = 0;
    let read = Atomics.load(control, READ);
    // what the writer has been told is read: room is handed back once per message, and
    // again only for a part message read since
    let published = read;
    const publish = () => {
      if (read === published) return;
      published = read;
      Atomics.store(control, READ, read);
      Atomics.notify(control, READ);
    };
    while (!this.#stopped) {
      // read before what it guards: any change after this load also changes the signal
      const signalled = Atomics.load(control, SIGNAL);
      const written = Atomics.load(control, WRITTEN);
      let available = (written - read) | 0;
      if (available === 0) {
        if (Atomics.load(control, CLOSED) === 1) {
          // a last write and the close may both have landed after the count was read
          if (Atomics.load(control, SIGNAL) !== signalled) continue;
          return;
        }
        const wait = waitAsync(control, SIGNAL, signalled);
        if (wait.async) await wait.value;
        continue;
      }
      while (available > 0 && !this.#stopped) {
        if (body === undefined) {
          const n = Math.min(HEADER_BYTES - headerFilled, available);
          copyOut(data, read & mask, header.subarray(headerFilled, headerFilled + n));
          headerFilled += n;
          read = (read + n) | 0;
          available -= n;
          if (headerFilled < HEADER_BYTES) break;
          const length = headerView.getUint32(0, true);
          if (length > MAX_MESSAGE_BYTES) {
            throw new Error(`A ring message claims ${length} bytes: the ring is corrupt`);
          }
          body = new Uint8Array(length);
          headerFilled = 0;
          filled = 0;
        }
        const n = Math.min(body.length - filled, available);
        copyOut(data, read & mask, body.subarray(filled, filled + n));
        filled += n;
        read = (read + n) | 0;
        available -= n;
        if (filled < body.length) break;
        publish(); // room first: the writer may be waiting for it
        const text = decoder.decode(body);
        body = undefined;
        onMessage(text);
      }
      publish();
    }
  }

  /** Ends {@link run} (at once if it is waiting), leaving unread messages unread. */
  stop(): void {
    this.#stopped = true;
    Atomics.notify(this.#ring.control, SIGNAL);
  }
}

// After the writer stored a new count or the closed flag: wakes a reader waiting for either.
function signal(control: Int32Array): void {
  Atomics.add(control, SIGNAL, 1);
  Atomics.notify(control, SIGNAL);
}

// Copies `bytes` into the ring at `at`, wrapping around its end.
function copyIn(data: Uint8Array, at: number, bytes: Uint8Array): void {
  const first = Math.min(bytes.length, data.length - at);
  data.set(bytes.subarray(0, first), at);
  if (first < bytes.length) data.set(bytes.subarray(first), 0);
}

// Fills `into` from the ring at `at`, wrapping around its end.
function copyOut(data: Uint8Array, at: number, into: Uint8Array): void {
  const first = Math.min(into.length, data.length - at);
  into.set(data.subarray(at, at + first));
  if (first < into.length) into.set(data.subarray(0, into.length - first), first);
}
