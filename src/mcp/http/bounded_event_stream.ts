import type { BudgetedStream, EventBudget } from "./event_budget.ts";

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
   * What every stream of the server holds counts against: past its `max`, the stream
   * holding the most ends as if past its own bound.
   */
  budget?: EventBudget;
  /**
   * Told once when the bound is passed, with the bytes then waiting (dropped) and which
   * bound (`"stream"`, or `"total"` for the budget), before the source is cancelled: the
   * source can still answer what it owes, to nobody. What it returns is the stream's last
   * chunk, for a client that reads later (why it ended).
   */
  onOverflow: (queuedBytes: number, bound: "stream" | "total") => Uint8Array | void;
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
  const { budget } = options;
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

  // what it holds counts against the budget until it ends early; its last chunk does not
  let counted = budget !== undefined;
  const self: BudgetedStream = {
    get queued() {
      return queued;
    },
    overflow: () => overflow("total"),
  };
  budget?.join(self);

  function drop(): void {
    if (counted) budget?.give(queued);
    counted = false;
    budget?.leave(self);
    chunks = [];
    head = 0;
    queued = 0;
  }

  // also once the source ended: a finished answer the client does not read still counts
  let overflowed = false;
  function overflow(bound: "stream" | "total"): void {
    if (overflowed || cancelled) return;
    overflowed = true;
    const dropped = queued;
    drop();
    const last = options.onOverflow(dropped, bound);
    if (last) {
      chunks.push(last);
      queued = last.byteLength;
    }
    end();
    reader.cancel("Too many bytes of events wait for the client").catch(() => {});
  }

  async function pump(): Promise<void> {
    try {
      for (;;) {
        const next = await reader.read();
        if (ended) return;
        if (next.done) break;
        chunks.push(next.value);
        queued += next.value.byteLength;
        if (counted) budget?.take(next.value.byteLength);
        if (!ended && queued > max) overflow("stream");
        if (ended) return;
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
        budget?.leave(self);
        controller.close();
        return;
      }
      // Deno's server takes a whole chunk into its own buffer, where no bound sees it, and
      // an answer can be one event of tens of MiB: it is handed on a slice at a time
      const out = chunk.byteLength > MAX_SLICE ? chunk.subarray(0, MAX_SLICE) : chunk;
      if (out === chunk) chunks[head++] = EMPTY;
      else chunks[head] = chunk.subarray(MAX_SLICE);
      queued -= out.byteLength;
      if (counted) budget?.give(out.byteLength);
      if (head >= COMPACT_AFTER && head * 2 >= chunks.length) {
        chunks = chunks.slice(head);
        head = 0;
      }
      controller.enqueue(out);
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
// the most handed to the server at once
const MAX_SLICE = 64 * 1024;
