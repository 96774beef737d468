/**
 * The bound on requests running at once in one HTTP session, on both transports, as stdio
 * bounds its connection: each running request holds its answer (up to the read limit) in
 * memory, so without it one client posting thousands of calls at once grew this process
 * without bound. A request counts from when its POST is accepted until its answer is sent
 * (to the client or, its stream gone, to nobody) or it is cancelled. A reused id is refused.
 * @module
 */
import type { Transport } from "../sdk.ts";
import { MAX_IN_FLIGHT } from "../stdio_transport.ts";
import { answerId, cancelledRequestId } from "../_cancelled_id.ts";
import { errorFrame } from "../_frame_check.ts";
import { RPC_INVALID_REQUEST, RPC_SERVER_ERROR, rpcErrorResponse } from "./_responses.ts";

export { MAX_IN_FLIGHT };

type RequestId = string | number;

/** Why a POST's requests were not admitted, or that they were. */
export type Admission = { ok: true } | { ok: false; reason: "full" } | {
  ok: false;
  reason: "reused";
  id: RequestId;
};

/**
 * The requests one session has running, by id. MCP forbids reusing an id within a session,
 * and the SDK keys what it knows of a request (its cancel, its stream) by id, so a reused id
 * is refused: counted twice, a cancel stopping one of them would free both places.
 */
export class RequestsInFlight {
  #running = new Set<RequestId>();

  constructor(readonly max: number) {}

  /** Takes a place for every id, or for none when they do not all fit or one is running. */
  admit(ids: readonly RequestId[]): Admission {
    const fresh = new Set<RequestId>();
    for (const id of ids) {
      if (this.#running.has(id) || fresh.has(id)) return { ok: false, reason: "reused", id };
      fresh.add(id);
    }
    if (this.#running.size + ids.length > this.max) return { ok: false, reason: "full" };
    for (const id of ids) this.#running.add(id);
    return { ok: true };
  }

  /** Request `id` was answered or cancelled; an id not running is ignored. */
  release(id: RequestId): void {
    this.#running.delete(id);
  }

  /** The ids of the requests running now. */
  running(): RequestId[] {
    return [...this.#running];
  }
}

const SESSIONS = new WeakMap<Transport, RequestsInFlight>();

/**
 * The requests in flight of the session `transport` serves, made on first use with room
 * for `max`: from then on every answer the transport sends gives its request's place back,
 * whether or not it reached the client.
 */
export function requestsInFlight(transport: Transport, max: number): RequestsInFlight {
  let requests = SESSIONS.get(transport);
  if (requests !== undefined) return requests;
  const counted = requests = new RequestsInFlight(max);
  SESSIONS.set(transport, counted);
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    try {
      await send(message, options);
    } finally {
      const id = answerId(message);
      if (id !== undefined) counted.release(id);
    }
  };
  return counted;
}

/** What a request still running when its session closes is answered with, as on stdio. */
const STOPPED = {
  code: RPC_SERVER_ERROR,
  message: "CANCELLED: the server stopped before this request finished",
};

/**
 * Answers every request the session `transport` serves still has running with a CANCELLED
 * error, before the server closes the session (it stops, or the session expired): a client
 * gets one answer per request it sent, where closing alone would end its streams without
 * one. An answer that cannot be sent (its stream is gone) is skipped.
 */
export async function answerRunning(transport: Transport): Promise<void> {
  const requests = SESSIONS.get(transport);
  if (requests === undefined) return;
  await Promise.allSettled(
    requests.running().map((id) =>
      transport.send(errorFrame(id, STOPPED.message, STOPPED.code), { relatedRequestId: id })
    ),
  );
}

/** The ids of the requests in a POST body (one message, or a batch). */
export function requestIdsOf(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((m) => {
    if (typeof m !== "object" || m === null || typeof m.method !== "string") return [];
    return typeof m.id === "string" || typeof m.id === "number" ? [m.id] : [];
  });
}

/** The ids of the requests a POST body cancels (see `cancelledRequestId`). */
export function cancelledIdsOf(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    const id = cancelledRequestId(message);
    return id === undefined ? [] : [id];
  });
}

/**
 * Takes places for a POST's requests, or the response refusing it: 429 when they do not
 * fit beside those the session has running, 400 when one reuses the id of one running.
 */
export function admit(requests: RequestsInFlight, ids: readonly RequestId[]): Response | undefined {
  const admission = requests.admit(ids);
  if (admission.ok) return undefined;
  if (admission.reason === "reused") {
    return rpcErrorResponse(
      400,
      RPC_INVALID_REQUEST,
      `Invalid request: id ${JSON.stringify(admission.id)} is already running in this ` +
        "session; use a new id for each request",
    );
  }
  return rpcErrorResponse(
    429,
    RPC_SERVER_ERROR,
    `Too many requests in flight: this session has ${requests.max} requests running; retry ` +
      "once one is answered",
    { "retry-after": "1" },
  );
}
