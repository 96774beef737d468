/**
 * The bound on requests running at once in one HTTP session, on both transports, as stdio
 * bounds its connection: each running request holds its answer (up to the read limit) in
 * memory, so without it one client posting thousands of calls at once grew this process
 * without bound. A request counts from when its POST is accepted until its answer is sent
 * (to the client or, its stream gone, to nobody) or it is cancelled.
 * @module
 */
import type { Transport } from "../sdk.ts";
import { MAX_IN_FLIGHT } from "../stdio_transport.ts";
import { RPC_SERVER_ERROR, rpcErrorResponse } from "./_responses.ts";

export { MAX_IN_FLIGHT };

type RequestId = string | number;

/** The requests one session has running, by id (a reused id counts each time). */
export class RequestsInFlight {
  #byId = new Map<RequestId, number>();
  #count = 0;

  constructor(readonly max: number) {}

  get count(): number {
    return this.#count;
  }

  has(id: RequestId): boolean {
    return this.#byId.has(id);
  }

  /** Takes a place for every id, or for none when they do not all fit. */
  admit(ids: readonly RequestId[]): boolean {
    if (this.#count + ids.length > this.max) return false;
    for (const id of ids) this.#byId.set(id, (this.#byId.get(id) ?? 0) + 1);
    this.#count += ids.length;
    return true;
  }

  /** One request with this id was answered or cancelled; an id not running is ignored. */
  release(id: RequestId): void {
    const n = this.#byId.get(id);
    if (n === undefined) return;
    if (n > 1) this.#byId.set(id, n - 1);
    else this.#byId.delete(id);
    this.#count--;
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
      if (!("method" in message) && "id" in message && message.id !== undefined) {
        counted.release(message.id);
      }
    }
  };
  return counted;
}

/** The ids of the requests in a POST body (one message, or a batch). */
export function requestIdsOf(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((m) => {
    if (typeof m !== "object" || m === null || typeof m.method !== "string") return [];
    return typeof m.id === "string" || typeof m.id === "number" ? [m.id] : [];
  });
}

/** The ids of the requests a POST body cancels (`notifications/cancelled`). */
export function cancelledIdsOf(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    const m = message as { method?: unknown; id?: unknown; params?: { requestId?: unknown } };
    if (m?.method !== "notifications/cancelled" || m.id !== undefined) return [];
    const id = m.params?.requestId;
    return typeof id === "string" || typeof id === "number" ? [id] : [];
  });
}

/** 429 for a POST whose requests do not fit beside those the session has running. */
export function tooManyInFlight(max: number): Response {
  return rpcErrorResponse(
    429,
    RPC_SERVER_ERROR,
    `Too many requests in flight: this session has ${max} requests running; retry once ` +
      "one is answered",
    { "retry-after": "1" },
  );
}
