/**
 * A one-way stream of bytes between two threads in shared memory, without message framing:
 * the writer copies bytes in and never blocks its thread; the reader takes contiguous runs
 * and may block its thread while the ring is empty (it is meant for a thread that does
 * nothing else). The reader may mark the ring failed (its sink broke): the writer then stops.
 *
 * Its shared memory comes from `createRingBuffer` (./shared_ring.ts); the four control words
 * are bytes written so far, bytes read so far, closed flag and failure code. The counters wrap
 * at 2^32; their difference is what is queued.
 * @module
 */
import { type Ring, ring } from "./shared_ring.ts";
import { waitAsync } from "./wait_async.ts";

const WRITTEN = 0;
const READ = 1;
const CLOSED = 2;
const FAILED = 3;

/** The writing side. Only one thread may write to a ring. */
export class ByteRingWriter {
  #ring: Ring;
  #written: number;

  constructor(buffer: SharedArrayBuffer) {
    this.#ring = ring(buffer);
    this.#written = Atomics.load(this.#ring.control, WRITTEN);
  }

  /** The reader's failure code (see {@link ByteRingReader.fail}); 0 while it is fine. */
  get failure(): number {
    return Atomics.load(this.#ring.control, FAILED);
  }

  /** Bytes in the ring the reader has not taken yet. */
  get queued(): number {
    return (this.#written - Atomics.load(this.#ring.control, READ)) | 0;
  }

  /** Copies as much of `bytes` as fits and wakes the reader; returns how much went in. */
  put(bytes: Uint8Array): number {
    const { control, data, mask } = this.#ring;
    const n = Math.min(bytes.length, data.length - this.queued);
    if (n <= 0) return 0;
    const at = this.#written & mask;
    const first = Math.min(n, data.length - at);
    data.set(bytes.subarray(0, first), at);
    if (first < n) data.set(bytes.subarray(first, n), 0);
    this.#written = (this.#written + n) | 0;
    Atomics.store(control, WRITTEN, this.#written);
    Atomics.notify(control, WRITTEN);
    return n;
  }

  /**
   * Resolves once the reader has taken more (or failed), or after `ms`; at once when
   * nothing is queued.
   */
  async taken(ms?: number): Promise<void> {
    const control = this.#ring.control;
    const read = Atomics.load(control, READ);
    if (read === this.#written || this.failure !== 0) return;
    const wait = waitAsync(control, READ, read, ms);
    if (wait.async) await wait.value;
  }

  /** Tells the reader no more bytes follow: it ends once it has taken what is queued. */
  close(): void {
    Atomics.store(this.#ring.control, CLOSED, 1);
    Atomics.notify(this.#ring.control, WRITTEN);
  }
}

/** The reading side. Only one thread may read from a ring. */
export class ByteRingReader {
  #ring: Ring;
  #read: number;

  constructor(buffer: SharedArrayBuffer) {
    this.#ring = ring(buffer);
    this.#read = Atomics.load(this.#ring.control, READ);
  }

  /**
   * The next contiguous run of queued bytes (a view of shared memory, valid until
   * {@link release}), blocking this thread up to `ms` while none is queued: an empty
   * view after `ms`, null once the writer closed the ring and everything was taken.
   */
  take(ms: number): Uint8Array | null {
    const { control, data, mask } = this.#ring;
    let written = Atomics.load(control, WRITTEN);
    if (written === this.#read) {
      // closed after a last put that landed between the two loads: that put is still taken
      if (Atomics.load(control, CLOSED) === 1) {
        if (Atomics.load(control, WRITTEN) === this.#read) return null;
      } else Atomics.wait(control, WRITTEN, written, ms);
      written = Atomics.load(control, WRITTEN);
    }
    const at = this.#read & mask;
    const n = Math.min((written - this.#read) | 0, data.length - at);
    return data.subarray(at, at + n);
  }

  /** Hands `n` bytes taken back to the writer as room. */
  release(n: number): void {
    this.#read = (this.#read + n) | 0;
    Atomics.store(this.#ring.control, READ, this.#read);
    Atomics.notify(this.#ring.control, READ);
  }

  /** Marks the ring failed with a non-zero `code` the writer reads; wakes a waiting writer. */
  fail(code: number): void {
    Atomics.store(this.#ring.control, FAILED, code);
    Atomics.notify(this.#ring.control, READ);
  }
}
