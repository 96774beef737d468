/**
 * Collects a child process's stderr (its structured logs) as text, draining the pipe so the
 * child never blocks on it, and waits (bounded) for a line to appear.
 * @module
 */

/** The log collected so far, and when the stream ended. */
export interface ChildLog {
  text(): string;
  /** Resolves when stderr closed (the child exited). */
  ended: Promise<void>;
  /** Polls until `ready(text)` holds or `timeoutMs` passes (or the stream ends); returns whether it held. */
  waitFor(ready: (text: string) => boolean, timeoutMs: number): Promise<boolean>;
}

const MAX_CHARS = 2_000_000;

/** Starts collecting `child`'s piped stderr. */
export function collectStderr(child: Deno.ChildProcess): ChildLog {
  let text = "";
  let done = false;
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        if (text.length < MAX_CHARS) text += value;
      }
    } catch {
      /* the process ended */
    } finally {
      done = true;
    }
  })();
  return {
    text: () => text,
    ended,
    async waitFor(ready, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!ready(text) && !done && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      return ready(text);
    },
  };
}
