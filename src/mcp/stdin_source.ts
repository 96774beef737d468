/**
 * Where the stdio transport pulls its bytes from, chunk by chunk: this process's stdin, or
 * any byte stream it is given. When stdin is a pipe or socket (how MCP
 * clients start a server) it is read as a Node socket: non-blocking reads on the serving
 * thread's own event loop. `Deno.stdin` instead reads on a helper thread from the blocking
 * pool (duplicating the descriptor for each read), a thread hand-off on every request. Other
 * stdin kinds (a file, a terminal) fall back to `Deno.stdin`.
 *
 * The socket must never close fd 0: at end of input its handle would, the next pipe this
 * process makes would take the number, and a sandbox given that pipe as its stdin would lose
 * it (dup2 onto itself keeps close-on-exec): Python started after the client closed its side
 * failed with EBADF. So the handle's close is a no-op; fd 0 stays open until the process ends.
 * @module
 */
import net from "node:net";

/** Bytes read from stdin at a time (the `Deno.stdin` fallback). */
const READ_CHUNK_BYTES = 64 * 1024;
/** Queued, not yet consumed bytes above which the socket is paused. */
const HIGH_WATER_BYTES = 1024 * 1024;

/** Pulls the next chunk, or null at end of input; `close` stops reading. */
export interface ChunkSource {
  next(): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** Any byte stream as a {@link ChunkSource} (tests, and hosts that hand the transport one). */
export function streamSource(stream: ReadableStream<Uint8Array>): ChunkSource {
  const reader = stream.getReader();
  return {
    next: async () => (await reader.read()).value ?? null,
    close: () => reader.cancel().catch(() => {}),
  };
}

/** Stdin as a {@link ChunkSource}. A chunk may be reused once the next one is pulled. */
export function stdinSource(): ChunkSource {
  let socket: net.Socket;
  try {
    socket = new net.Socket({ fd: 0, readable: true, writable: false });
  } catch {
    return denoStdinSource(); // ERR_INVALID_FD_TYPE: a file or a terminal
  }
  keepFdZeroOpen(socket);
  return socketSource(socket);
}

// node:net closes a socket's descriptor only through its handle's close (stdin_source_test
// checks fd 0 is still open after the end of input)
function keepFdZeroOpen(socket: net.Socket): void {
  const handle = (socket as unknown as { _handle?: { close?: (done?: () => void) => void } })
    ._handle;
  if (typeof handle?.close !== "function") {
    throw new Error("node:net sockets no longer have a closable handle; update stdin_source.ts");
  }
  handle.close = (done) => done?.();
}

function denoStdinSource(): ChunkSource {
  const buffer = new Uint8Array(READ_CHUNK_BYTES);
  return {
    async next() {
      const n = await Deno.stdin.read(buffer);
      return n === null ? null : buffer.subarray(0, n);
    },
    close: () => Promise.resolve(),
  };
}

/** Adapts a socket's data events to pulls, pausing it while too much is queued. */
export function socketSource(socket: net.Socket): ChunkSource {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  socket.on("data", (data: Uint8Array) => {
    // a plain view of the Node Buffer: its indexOf and slice are the native typed-array
    // ones (Buffer's indexOf is a slower polyfill; its slice does not copy)
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    queue.push(chunk);
    queued += chunk.length;
    if (queued > HIGH_WATER_BYTES) socket.pause();
    notify();
  });
  socket.on("end", () => {
    ended = true;
    notify();
  });
  socket.on("close", () => {
    ended = true;
    notify();
  });
  socket.on("error", (err: Error) => {
    failure = err;
    notify();
  });
  return {
    async next() {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          queued -= chunk.length;
          if (queued <= HIGH_WATER_BYTES && socket.isPaused()) socket.resume();
          return chunk;
        }
        if (failure) throw failure;
        if (ended) return null;
        await new Promise<void>((resolve) => wake = resolve);
      }
    },
    close() {
      socket.destroy();
      ended = true;
      notify();
      return Promise.resolve();
    },
  };
}
