/**
 * The serving thread's side of the stdout writer thread (./stdout_thread.ts): a
 * {@link ByteSink} whose writes are copies into a shared ring, so answering a call costs the
 * serving thread a copy and a wake-up, and a client that stops reading never blocks it.
 * @module
 */
import { ByteRingWriter, CodegenError, createRingBuffer } from "../core/mod.ts";
import type { ByteSink } from "../core/mod.ts";
import { STDOUT_GONE, type StdoutThreadReport, type StdoutThreadStart } from "./stdout_thread.ts";

/** The stdout thread's script; `deno compile` must `--include` it. */
export const STDOUT_THREAD_URL: URL = new URL("./stdout_thread.ts", import.meta.url);

/** Bytes the ring holds; more wait in the line writer's queue. */
const RING_BYTES = 1024 * 1024;
/** How long a full ring is waited on before the thread's state is looked at again. */
const ROOM_WAIT_MS = 1000;

/** The stdout thread's grants: none at all. */
export const STDOUT_THREAD_PERMISSIONS: Deno.PermissionOptionsObject = {
  read: false,
  write: false,
  net: false,
  env: false,
  run: false,
  ffi: false,
  sys: false,
  import: false,
};

/** A {@link ByteSink} writing to this process's stdout through the stdout thread. */
export class ThreadStdout implements ByteSink {
  #worker: Worker;
  #ring: ByteRingWriter;
  // why the thread stopped, once known (its report, or its uncaught error)
  #detail: string | undefined;
  #stopped = false;
  #ready = Promise.withResolvers<void>();

  private constructor() {
    const buffer = createRingBuffer(RING_BYTES);
    this.#ring = new ByteRingWriter(buffer);
    this.#worker = new Worker(STDOUT_THREAD_URL, {
      type: "module",
      deno: { permissions: STDOUT_THREAD_PERMISSIONS },
    } as WorkerOptions);
    this.#worker.onmessage = ({ data }: MessageEvent<StdoutThreadReport>) => {
      if (data.type === "ready") this.#ready.resolve();
      else this.#detail = data.message;
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#detail = `the stdout thread stopped: ${event.message}`;
      this.#stopped = true;
      this.#ready.reject(new CodegenError("INTERNAL", `Cannot write stdout: ${this.#detail}`));
    };
    this.#worker.postMessage({ ring: buffer } satisfies StdoutThreadStart);
  }

  /**
   * Starts the thread and resolves once its script is loaded: start it before this process
   * drops its read permission, which loading the script needs.
   */
  static async start(): Promise<ThreadStdout> {
    const sink = new ThreadStdout();
    try {
      await sink.#ready.promise;
    } catch (err) {
      sink.close();
      throw err;
    }
    return sink;
  }

  async write(bytes: Uint8Array): Promise<number> {
    if (bytes.length === 0) return 0; // as Deno.stdout.write: put() could never take it
    for (;;) {
      this.#throwIfFailed();
      const n = this.#ring.put(bytes);
      if (n > 0) return n;
      // the ring is full: the client is behind; wait for the thread to take some
      await this.#ring.taken(ROOM_WAIT_MS);
    }
  }

  /** Resolves true once the thread has written everything (or failed), false after `ms`. */
  async drained(ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (this.#ring.queued > 0 && this.#ring.failure === 0 && !this.#stopped) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await this.#ring.taken(left);
    }
    return true;
  }

  /** Stops the thread; bytes it has not written yet are dropped. */
  close(): void {
    this.#stopped = true;
    this.#ring.close();
    this.#worker.terminate();
  }

  #throwIfFailed(): void {
    const code = this.#ring.failure;
    if (code === STDOUT_GONE) throw new Deno.errors.BrokenPipe(this.#detail ?? "Broken pipe");
    if (code !== 0 || this.#stopped) throw new Error(this.#detail ?? "the stdout thread stopped");
  }
}
