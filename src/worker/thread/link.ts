/**
 * The parent's end of the embedded worker thread. Every request, event and reply after the
 * thread's `init` crosses as JSON through two shared-memory rings (src/core/shared_ring.ts)
 * instead of `postMessage`: tool calls that touch files make this round trip, and the ring
 * costs less than half the CPU of a message through both event loops.
 * @module
 */
import { createRingBuffer, RingReader, RingWriter } from "../../core/mod.ts";
import type { ThreadRings, WorkerThreadMessage, WorkerThreadRequest } from "./protocol.ts";

/** Bytes of each ring; a longer message (a large file) streams through in pieces. */
const RING_BYTES = 1 << 20;

/** Fresh shared memory for a thread's two rings, to send in its `init`. */
export function createThreadRings(): ThreadRings {
  return { toThread: createRingBuffer(RING_BYTES), fromThread: createRingBuffer(RING_BYTES) };
}

/**
 * What the router's `ThreadWorkerClient` talks through: `postMessage` writes to the
 * thread's ring and `onmessage` gets what the thread writes back; a crash of the thread
 * still arrives as `onerror`.
 */
export class ThreadLink {
  onmessage: ((message: WorkerThreadMessage) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent | Error) => void) | null = null;
  #worker: Worker;
  #out: RingWriter;
  #in: RingReader;

  constructor(worker: Worker, rings: ThreadRings) {
    this.#worker = worker;
    this.#out = new RingWriter(rings.toThread);
    this.#in = new RingReader(rings.fromThread);
    worker.onerror = (event) => this.onerror?.(event);
    worker.onmessageerror = (event) => this.onmessageerror?.(event);
    // only a message sent before the thread has its ring (none today) arrives this way
    worker.onmessage = (event: MessageEvent<WorkerThreadMessage>) => this.onmessage?.(event.data);
    this.#in.run((text) => this.onmessage?.(JSON.parse(text) as WorkerThreadMessage)).catch(
      (err) => this.onmessageerror?.(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Sends a request to the thread (the `init` request goes by `postMessage`). */
  postMessage(message: WorkerThreadRequest): void {
    if (message?.type === "init") this.#worker.postMessage(message);
    else this.#out.write(JSON.stringify(message));
  }

  /** Ends the thread at once, and both rings with it. */
  terminate(): void {
    this.#in.stop();
    this.#out.abort();
    this.#worker.terminate();
  }
}
