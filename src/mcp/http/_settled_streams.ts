/**
 * Ends a Streamable HTTP POST's event stream once every request it carries is answered or
 * cancelled. The SDK's transport ends it when all have their answers, but a cancelled
 * request gets none (as MCP says), so its stream, with its connection and keep-alive timer,
 * stayed open until the session ended: one for every call a client cancelled.
 * @module
 */
import type { WebStandardStreamableHTTPServerTransport } from "../sdk.ts";
import { errorFrame } from "../_frame_check.ts";
import { answerId } from "../_cancelled_id.ts";
import { RPC_SERVER_ERROR } from "./_responses.ts";

type RequestId = string | number;
type Transport = WebStandardStreamableHTTPServerTransport;

/** The requests of one POST still owed an answer, and those cancelled. */
interface Stream {
  owed: Set<RequestId>;
  cancelled: RequestId[];
}

/** What one session's POST streams still owe. */
class Streams {
  #byRequest = new Map<RequestId, Stream>();

  constructor(readonly transport: Transport) {}

  open(ids: readonly RequestId[]): ReadonlySet<RequestId> {
    const stream: Stream = { owed: new Set(ids), cancelled: [] };
    for (const id of ids) this.#byRequest.set(id, stream);
    return stream.owed;
  }

  /** The requests `ids` never ran (the POST was refused): no answer will settle them. */
  forget(ids: readonly RequestId[]): void {
    for (const id of ids) this.#byRequest.delete(id);
  }

  /** Request `id` was answered or cancelled; ends its stream when that was the last owed. */
  settle(id: RequestId, cancelled: boolean): void {
    const stream = this.#byRequest.get(id);
    if (stream === undefined) return;
    this.#byRequest.delete(id);
    stream.owed.delete(id);
    if (cancelled) stream.cancelled.push(id);
    // with no request cancelled the SDK ends the stream itself, once it sent the last answer
    if (stream.owed.size > 0 || stream.cancelled.length === 0) return;
    this.transport.closeSSEStream(id);
    // The SDK keeps each request's stream, and the answers of a batch, until every request
    // of the stream is answered; a cancelled one never is, so they stayed for the session's
    // life, and a later batch reusing an id was taken as answered. Answered now, to nobody
    // (the stream is closed), the cancelled requests let it drop them all.
    for (const cancelledId of stream.cancelled) {
      const answer = errorFrame(cancelledId, "The request was cancelled", RPC_SERVER_ERROR);
      this.transport.send(answer).catch(() => {});
    }
  }
}

const SESSIONS = new WeakMap<Transport, Streams>();

function streamsOf(transport: Transport): Streams {
  let streams = SESSIONS.get(transport);
  if (streams === undefined) {
    streams = new Streams(transport);
    SESSIONS.set(transport, streams);
    // an answer is settled once the SDK has written it to its stream
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      await send(message, options);
      const id = answerId(message);
      if (id !== undefined) streams!.settle(id, false);
    };
  }
  return streams;
}

/**
 * Call before the transport handles a POST: the requests whose answers its stream carries.
 * Returns those it still owes, kept up to date as each is answered or cancelled.
 */
export function openedStream(
  transport: Transport,
  ids: readonly RequestId[],
): ReadonlySet<RequestId> {
  return ids.length > 0 ? streamsOf(transport).open(ids) : new Set();
}

/**
 * Call after the transport handled a POST: the requests it cancelled (`ids`, see
 * `cancelledIdsOf`) get no answer, so a stream left owing nothing else is ended.
 */
export function cancelledIn(transport: Transport, ids: readonly RequestId[]): void {
  for (const id of ids) streamsOf(transport).settle(id, true);
}

/** Call when the transport refused a POST opened with {@link openedStream}: its `ids` never ran. */
export function refusedStream(transport: Transport, ids: readonly RequestId[]): void {
  SESSIONS.get(transport)?.forget(ids);
}
