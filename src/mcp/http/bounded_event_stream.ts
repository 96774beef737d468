/** Default for {@link BoundedEventStreamOptions.maxBufferedBytes}: 64 MiB. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Options of {@link boundEventStream}. */
export interface BoundedEventStreamOptions {
  /**
   * Most bytes of events waiting for a client that does not read its stream; past it the
   * stream ends. Default {@link MAX_BUFFERED_BYTES}.
   */
  maxBufferedBytes?: number;
  /**
   * Told once when the bound is passed, with the bytes then waiting (dropped), before the
   * source is cancelled: the source can still answer what it owes, to nobody. What it
   * returns is the stream's last chunk, for a client that reads later (why it ended).
   */
  onOverflow: (queuedBytes: number) => Uint8Array | void;
  /** Told when the client cancels the stream (it went away), before `source` is cancelled. */
  onCancel?: () => void;
}

// A consumed head is cut off the array once it is this long and half of it: shift() on
// every read would copy the whole backlog each time.
const COMPACT_AFTER = 1024;

/**
 * An event stream's body that takes every chunk from `source` as soon as it comes and
 * holds it until the client reads it, counting the bytes held. Past the bound what is held
 * is dropped, the stream ends (cleanly: Deno would print an errored body to stderr) after
 * what `onOverflow` returns, and `source` is cancelled. A client that reads gets every
 * chunk, then the end of `source`. Cancelling the result (the client went away) tells
 * `onCancel`, then cancels `source`.
 */
export function boundEventStream(
  source: ReadableStream<Uint8Array>,
  options: BoundedEventStreamOptions,
): ReadableStream<Uint8Array> {
  const max = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const reader = source.getReader();
  let chunks: Uint8Array[] = [];
  let head = 0;
  let queued = 0;
  // no chunk comes any more: the source ended or failed, the bound was passed, or the
  // client cancelled
  let ended = false;
  let cancelled = false;
  let wake: (() => void) | undefined;

  function end(): void {
    ended = true;
    wake?.();
    wake = undefined;
  }

  function drop(): void {
    chunks = [];
    head = 0;
    queued = 0;
  }

  async function pump(): Promise<void> {
    try {
      for (;;) {
        const next = await reader.read();
        if (ended) return;
        if (next.done) break;
        chunks.push(next.value);
        queued += next.value.byteLength;
        if (queued > max) {
          const dropped = queued;
          drop();
          const last = options.onOverflow(dropped);
          if (last) {
            chunks.push(last);
            queued = last.byteLength;
          }
          end();
          await reader.cancel("Too many bytes of events wait for the client");
          return;
        }
        wake?.();
        wake = undefined;
      }
    } catch {
      // the source failed: the client gets what came before it, then the end
    }
    end();
  }

  void pump();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (head === chunks.length && !ended) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      if (cancelled) return;
      const chunk = chunks[head];
      if (chunk === undefined) {
        controller.close();
        return;
      }
      chunks[head++] = EMPTY;
      queued -= chunk.byteLength;
      if (head >= COMPACT_AFTER && head * 2 >= chunks.length) {
        chunks = chunks.slice(head);
        head = 0;
      }
      controller.enqueue(chunk);
    },
    cancel(reason) {
      options.onCancel?.();
      cancelled = true;
      drop();
      end();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

const EMPTY = new Uint8Array(0);
