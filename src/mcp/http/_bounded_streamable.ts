import { getLogger } from "../../core/mod.ts";
import type { WebStandardStreamableHTTPServerTransport } from "../sdk.ts";
import { boundEventStream } from "./bounded_event_stream.ts";
import type { EventBudget } from "./event_budget.ts";
import { RPC_SERVER_ERROR } from "./_responses.ts";
import { sdkCancels } from "../_cancelled_id.ts";
import { errorFrame } from "../_frame_check.ts";
import { connectionLabel } from "../_connection_label.ts";

const log = getLogger("mcp", "http");
const encoder = new TextEncoder();

type RequestId = string | number;

/** Which stream of which session a Streamable HTTP response is. */
export interface StreamableStream {
  sessionId: string;
  transport: WebStandardStreamableHTTPServerTransport;
  /** The requests a POST's stream answers; none for the GET stream. */
  requestIds: readonly RequestId[];
  /** See `HttpServerOptions.maxBufferedBytes`. */
  maxBufferedBytes: number;
  /** What every stream of the server holds, together (`maxBufferedBytesTotal`). */
  budget?: EventBudget;
  /**
   * Those of `requestIds` still owed an answer (see `openedStream`): cancelled when the
   * stream ends early. Not the ids running: a later request may reuse an answered one.
   */
  owed: ReadonlySet<RequestId>;
}

/**
 * The SDK's response with its event stream (if it is one) bounded: the SDK enqueues every
 * notification and answer without limit, so a client that opens the GET stream, or posts a
 * long call, and does not read would grow this process's memory without bound. Past the
 * bound what waits is dropped and the stream ends; the requests it was to answer are
 * cancelled, and a POST's stream for one request ends with its answer: the error. A
 * client that leaves a POST's stream cancels its requests still running: no event store
 * keeps their answers, so nobody could read them, and they would hold their places in the
 * session's bound while they ran.
 */
export function boundStreamableResponse(response: Response, stream: StreamableStream): Response {
  if (response.body === null || !isEventStream(response)) return response;
  const body = boundEventStream(response.body, {
    maxBufferedBytes: stream.maxBufferedBytes,
    ...(stream.budget ? { budget: stream.budget } : {}),
    onOverflow: (queued, bound) => overflowed(stream, queued, bound),
    onCancel: () => left(stream),
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Whether `response` is an event stream: the SDK took the POST, or opened the GET stream. */
export function isEventStream(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
}

function overflowed(
  stream: StreamableStream,
  queued: number,
  bound: "stream" | "total",
): Uint8Array | undefined {
  const { sessionId, requestIds } = stream;
  const limit = bound === "stream" ? stream.maxBufferedBytes : stream.budget?.max;
  const which = requestIds.length === 0
    ? "GET /mcp"
    : `POST /mcp answering request ${requestIds.map((id) => JSON.stringify(id)).join(", ")}`;
  const over = bound === "stream"
    ? "limit {limit}"
    : "it held the most; limit {limit} for all streams";
  log.warn(
    "Ending an event stream of session {sessionId} ({stream}): {queued} bytes of events wait " +
      `for a client that does not read it (${over})`,
    { stream: which, sessionId: connectionLabel(sessionId), queued, limit },
  );
  const error = {
    code: RPC_SERVER_ERROR,
    message: bound === "stream"
      ? `Its event stream was ended: more than ${limit} bytes of events waited for a client ` +
        "that did not read it"
      : `Its event stream was ended: the event streams of all clients held more than ${limit} ` +
        "bytes that were not read, and it held the most",
  };
  const owed = [...stream.owed];
  for (const id of owed) cancel(stream.transport, id, error);
  // The stream's last event answers its request with the error: a client that reads later
  // learns why, instead of waiting for an answer until its own timeout. A batch's stream may
  // already have carried some of its answers, and a request gets one answer: it gets none.
  // (Its own answer, when it was among the bytes dropped, never reached the client either.)
  if (requestIds.length !== 1) return undefined;
  const answer = errorFrame(requestIds[0], error.message, error.code);
  return encoder.encode(`event: message\ndata: ${JSON.stringify(answer)}\n\n`);
}

function left(stream: StreamableStream): void {
  const running = [...stream.owed];
  if (running.length === 0) return;
  log.debug("Cancelling requests {ids} of session {sessionId}: the client left their stream", {
    ids: running,
    sessionId: connectionLabel(stream.sessionId),
  });
  const error = { code: RPC_SERVER_ERROR, message: "The client left the request's stream" };
  for (const id of running) cancel(stream.transport, id, error);
}

// The request's stream is gone, so it is cancelled as a client would cancel it (its call
// stops); it is answered through the SDK all the same, to nobody (the stream it would go to
// is cancelled next), because the SDK transport keeps an entry for each request until its
// answer goes out, and a cancelled handler sends none. A request the SDK cannot cancel
// runs on and sends its own answer (to nobody), which frees its place then, not now.
function cancel(
  transport: WebStandardStreamableHTTPServerTransport,
  requestId: RequestId,
  error: { code: number; message: string },
): void {
  transport.onmessage?.({
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId, reason: error.message },
  });
  if (sdkCancels(requestId)) {
    transport.send(errorFrame(requestId, error.message, error.code)).catch(() => {});
  }
}
