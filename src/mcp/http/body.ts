import type { BodyBudget } from "./body_budget.ts";

/** Outcome of {@link readJsonBody}: the parsed value, or the HTTP status to answer with. */
export type JsonBodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 408 | 413 | 503; message: string; retryAfterSeconds?: number };

/** Options of {@link readJsonBody}. */
export interface ReadJsonBodyOptions {
  /**
   * Longest wait for the whole body; past it the read stops with 408. Default: no bound
   * (the HTTP front always passes one: a body that trickles in, or stops, would hold its
   * connection, and a graceful shutdown waiting for it, for ever).
   */
  timeoutMs?: number;
  /** Stops the read with 503 when aborted (the server is shutting down). */
  signal?: AbortSignal;
  /** What all bodies read at once hold; one that does not fit is refused with 503. */
  budget?: BodyBudget;
}

function tooLarge(maxBytes: number): JsonBodyResult {
  return {
    ok: false,
    status: 413,
    message: `Request body is too large: the limit is ${maxBytes} bytes (MAX_REQUEST_BYTES)`,
  };
}

function overBudget(budget: BodyBudget): JsonBodyResult {
  return {
    ok: false,
    status: 503,
    message: `Too many request bodies are arriving at once (more than ${budget.max} bytes ` +
      "in all): retry in a moment",
    retryAfterSeconds: 1,
  };
}

const CUT_SHORT: JsonBodyResult = {
  ok: false,
  status: 400,
  message: "Request body was cut short: the connection closed before it ended",
};

const SHUTTING_DOWN: JsonBodyResult = {
  ok: false,
  status: 503,
  message: "Server is shutting down: the request body was not read",
};

/**
 * Reads and parses a JSON request body of at most `maxBytes` bytes. A declared
 * `Content-Length` over the limit is refused before reading; otherwise reading stops,
 * and the stream is cancelled, as soon as more than the limit has arrived, or when the
 * time bound passes or `signal` aborts, or the bodies read at once pass `budget`.
 */
export async function readJsonBody(
  req: Request,
  maxBytes: number,
  options: ReadJsonBodyOptions = {},
): Promise<JsonBodyResult> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await req.body?.cancel().catch(() => {});
    return tooLarge(maxBytes);
  }
  const { budget } = options;
  // held as it arrives, not by its declared length: a few requests that declared the most
  // and sent nothing held the whole budget, and every client got 503, for the cost of headers
  let taken = 0;
  const hold = (received: number) => {
    if (received <= taken || budget === undefined) return true;
    if (!budget.take(received - taken)) return false;
    taken = received;
    return true;
  };
  try {
    return await readWithin(req, maxBytes, options, hold);
  } finally {
    budget?.give(taken);
  }
}

async function readWithin(
  req: Request,
  maxBytes: number,
  options: ReadJsonBodyOptions,
  hold: (received: number) => boolean,
): Promise<JsonBodyResult> {
  if (req.body === null) return { ok: false, status: 400, message: "Request body is empty" };
  if (options.signal?.aborted) {
    await req.body.cancel().catch(() => {});
    return SHUTTING_DOWN;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  // the first of the time bound and the signal to end the wait for the body
  let stop: ((result: JsonBodyResult) => void) | undefined;
  const stopped = new Promise<JsonBodyResult>((resolve) => stop = resolve);
  const { timeoutMs, signal } = options;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() =>
    stop?.({
      ok: false,
      status: 408,
      message: `Request body did not arrive within ${timeoutMs} ms (received ${received} ` +
        "bytes): send the whole body at once",
    }), timeoutMs);
  const onAbort = () => stop?.(SHUTTING_DOWN);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (true) {
      // a client that leaves mid-body is no fault of the server's: answered, not logged
      const next = await Promise.race([reader.read().catch(() => CUT_SHORT), stopped]);
      if (!("done" in next)) {
        await reader.cancel().catch(() => {});
        return next;
      }
      const { done, value } = next;
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge(maxBytes);
      }
      if (!hold(received)) {
        await reader.cancel().catch(() => {});
        return overBudget(options.budget!);
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return { ok: false, status: 400, message: "Request body is not valid JSON" };
  }
}
