import { readJsonBody } from "./body.ts";
import {
  bodyRefused,
  methodNotAllowed,
  RPC_INVALID_REQUEST,
  RPC_SERVER_ERROR,
  rpcErrorResponse,
  sessionNotFound,
} from "./_responses.ts";
import type { RouteContext } from "./_route_context.ts";
import { SseServerTransport } from "./sse_server_transport.ts";
import { admit, cancelledIdsOf, requestIdsOf, requestsInFlight } from "./_in_flight.ts";

const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

/**
 * Legacy HTTP+SSE, `GET /sse`: opens a session whose server speaks over this event
 * stream. The stream's first event names the URL to post messages to; the session ends
 * when the client disconnects.
 */
export async function handleSseOpen(req: Request, ctx: RouteContext): Promise<Response> {
  if (req.method !== "GET") return methodNotAllowed(req.method, "/sse", "GET");
  const refusal = ctx.sessions.refusal;
  if (refusal !== undefined) return rpcErrorResponse(503, RPC_SERVER_ERROR, refusal);
  const id = crypto.randomUUID();
  const transport = new SseServerTransport(id, {
    endpoint: `/messages?sessionId=${id}`,
    keepAliveMs: ctx.keepAliveMs,
    maxBufferedBytes: ctx.maxBufferedBytes,
    budget: ctx.eventBudget,
  });
  const server = ctx.createServer({ sessionId: id, principal: ctx.principal, transport: "sse" });
  await ctx.sessions.open({ id, principal: ctx.principal, kind: "sse", transport, server });
  // Cancelling the body closes the transport too; `completed` also settles when the client
  // disconnects before the stream was ever read.
  function end(): Promise<void> {
    return ctx.sessions.close(id).catch(() => {});
  }
  void ctx.completed.then(end, end);
  return new Response(transport.body, { headers: SSE_HEADERS });
}

/**
 * Legacy HTTP+SSE, `POST /messages?sessionId=<id>`: one JSON-RPC message, 202 Accepted; a
 * request past the session's `maxInFlight` running is refused (429), as is one reusing the
 * id of one running (400). The requests of a
 * session that ends (the client left its stream, or did not read it) end with it.
 */
export async function handleSseMessage(req: Request, ctx: RouteContext): Promise<Response> {
  if (req.method !== "POST") return methodNotAllowed(req.method, "/messages", "POST");
  const url = new URL(req.url);
  const id = url.searchParams.get("sessionId");
  if (id === null) {
    return rpcErrorResponse(400, RPC_SERVER_ERROR, "sessionId query parameter is required");
  }
  const session = ctx.sessions.get(id, ctx.principal);
  if (session === undefined || !(session.transport instanceof SseServerTransport)) {
    return sessionNotFound(ctx.sessions.endedReason(id, ctx.principal));
  }
  const body = await readJsonBody(req, ctx.maxRequestBytes, ctx.bodyRead);
  if (!body.ok) return bodyRefused(body);
  // the session may have ended while the body arrived: answered as if it had ended before
  if (session.transport.closed) {
    return sessionNotFound(ctx.sessions.endedReason(id, ctx.principal));
  }
  const requests = requestsInFlight(session.transport, ctx.maxInFlight);
  // HTTP+SSE has no batches: `deliver` refuses one whole (400), so it takes no places,
  // whatever its size (counted, a huge one got a 429 no retry could get past)
  const requestIds = Array.isArray(body.value) ? [] : requestIdsOf(body.value);
  const refused = admit(requests, requestIds);
  if (refused !== undefined) return refused;
  const delivered = session.transport.deliver(body.value, {
    requestInfo: { headers: Object.fromEntries(req.headers), url },
  });
  if (!delivered.ok) {
    for (const refused of requestIds) requests.release(refused);
    return rpcErrorResponse(400, RPC_INVALID_REQUEST, delivered.message);
  }
  // a cancelled request gets no answer: its place is free now
  for (const cancelled of cancelledIdsOf(body.value)) requests.release(cancelled);
  return new Response("Accepted", { status: 202 });
}
