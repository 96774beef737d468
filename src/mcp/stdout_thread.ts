/**
 * The stdout writer's Deno Worker, run with no permissions (writing an open descriptor needs
 * none): takes bytes from a shared ring and writes them to fd 1 with blocking writes. A
 * client that stops reading blocks this thread, never the serving one. A blocking write
 * here costs a few µs of CPU; `Deno.stdout.write` from the serving thread hands every write
 * to the runtime's blocking pool and back, about 30 µs. Speaks {@link StdoutThreadStart} /
 * {@link StdoutThreadReport}.
 * @module
 */
import { ByteRingReader } from "../core/mod.ts";

/** The one message the thread is sent: its ring. */
export interface StdoutThreadStart {
  ring: SharedArrayBuffer;
}

/** The ring's failure codes: the client closed its end, or another write error. */
export const STDOUT_GONE = 1;
export const STDOUT_FAILED = 2;

/** What the thread posts: that it runs (its script is loaded), or why it stopped writing. */
export type StdoutThreadReport =
  | { type: "ready" }
  | { type: "failed"; code: number; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<StdoutThreadStart>) => void) | null;
  postMessage(message: StdoutThreadReport): void;
  close(): void;
}

// An idle wait ends now and then, so a terminate from the serving thread takes effect.
const IDLE_WAIT_MS = 1000;

const scope = globalThis as unknown as WorkerScope;

function serve(reader: ByteRingReader): void {
  for (let run = reader.take(IDLE_WAIT_MS); run !== null; run = reader.take(IDLE_WAIT_MS)) {
    let done = 0;
    while (done < run.length) done += Deno.stdout.writeSync(run.subarray(done));
    if (done > 0) reader.release(done);
  }
}

scope.onmessage = ({ data }) => {
  const reader = new ByteRingReader(data.ring);
  scope.postMessage({ type: "ready" });
  try {
    serve(reader);
  } catch (err) {
    const gone = err instanceof Deno.errors.BrokenPipe ||
      err instanceof Deno.errors.ConnectionReset;
    const code = gone ? STDOUT_GONE : STDOUT_FAILED;
    reader.fail(code);
    const message = err instanceof Error ? err.message : String(err);
    scope.postMessage({ type: "failed", code, message });
  }
  scope.close();
};
