import {
  isInitializeRequest,
  type McpServer,
  WebStandardStreamableHTTPServerTransport,
} from "../sdk.ts";
import { readJsonBody } from "./body.ts";
import {
  bodyRefused,
  methodNotAllowed,
  RPC_INVALID_PARAMS,
  RPC_INVALID_REQUEST,
  RPC_SERVER_ERROR,
  rpcErrorResponse,
  sessionNotFound,
} from "./_responses.ts";
import type { RouteContext } from "./_route_context.ts";
import { boundStreamableResponse, isEventStream } from "./_bounded_streamable.ts";
import {
  admit,
  cancelledIdsOf,
  requestIdsOf,
  type RequestsInFlight,
  requestsInFlight,
} from "./_in_flight.ts";
import { invalidAsInvalidRequest, refuseBatch, refuseInitialize } from "./_message_check.ts";
import { cancelledIn, openedStream, refusedStream } from "./_settled_streams.ts";
import type { HttpSession } from "./session_table.ts";

type StreamableSession = HttpSession<WebStandardStreamableHTTPServerTransport>;

/** Longest a DELETE waits for its session's ending before it answers. */
const DELETE_WAIT_MS = 5_000;

/**
 * Streamable HTTP at `/mcp`: an `initialize` POST without `Mcp-Session-Id` opens a
 * session; every other request must name a session its principal owns. The SDK's
 * web-standard transport does the protocol (SSE responses, GET stream, DELETE); each event
 * stream it answers with holds at most `maxBufferedBytes` for a client that does not read,
 * and a session has at most `maxInFlight` requests running (429 past it), each with its own
 * id.
 */
export async function handleStreamable(req: Request, ctx: RouteContext): Promise<Response> {
  if (req.method !== "GET" && req.method !== "POST" && req.method !== "DELETE") {
    return methodNotAllowed(req.method, "/mcp", "GET, POST, DELETE");
  }
  const id = req.headers.get("mcp-session-id");
  if (id === null) {
    if (req.method !== "POST") {
      return rpcErrorResponse(400, RPC_SERVER_ERROR, "Mcp-Session-Id header is required");
    }
    return await openSession(req, ctx);
  }
  const session = ctx.sessions.get(id, ctx.principal);
  if (session === undefined || session.kind !== "streamable-http") {
    return sessionNotFound(ctx.sessions.endedReason(id, ctx.principal));
  }
  const transport = (session as StreamableSession).transport;
  const requests = requestsInFlight(transport, ctx.maxInFlight);
  const stream = {
    sessionId: id,
    transport,
    maxBufferedBytes: ctx.maxBufferedBytes,
    budget: ctx.eventBudget,
  };
  if (req.method === "DELETE") {
    const answer = await transport.handleRequest(req);
    // answered once the session's workspace and worker slot are freed, so a new session
    // right after finds the slot (bounded: a stuck worker does not hold the answer)
    if (answer.ok) await ctx.sessions.ended(id, DELETE_WAIT_MS);
    return answer;
  }
  if (req.method !== "POST") {
    return boundStreamableResponse(await transport.handleRequest(req), {
      ...stream,
      requestIds: [],
      owed: new Set(),
    });
  }
  const body = await readJsonBody(req, ctx.maxRequestBytes, ctx.bodyRead);
  if (!body.ok) return bodyRefused(body);
  const batch = refuseBatch(body.value, req.headers.get("mcp-protocol-version"));
  if (batch !== undefined) return batch;
  const requestIds = requestIdsOf(body.value);
  // a batch counts each of its requests, and is refused whole when they do not all fit
  const refused = admit(requests, requestIds);
  if (refused !== undefined) return refused;
  const owed = openedStream(transport, requestIds);
  const response = await handled(transport, req, body.value, { requests, requestIds });
  const cancelled = cancelledIdsOf(body.value);
  cancelledIn(transport, cancelled);
  for (const id of cancelled) requests.release(id);
  return boundStreamableResponse(await invalidAsInvalidRequest(response, body.value), {
    ...stream,
    requestIds,
    owed,
  });
}

async function openSession(req: Request, ctx: RouteContext): Promise<Response> {
  const body = await readJsonBody(req, ctx.maxRequestBytes, ctx.bodyRead);
  if (!body.ok) return bodyRefused(body);
  if (!isInitializeRequest(body.value)) {
    if ((body.value as { method?: unknown } | null)?.method === "initialize") {
      // not a missing header: an initialize whose params the protocol refuses
      return rpcErrorResponse(
        400,
        RPC_INVALID_PARAMS,
        "Invalid params for initialize: protocolVersion, capabilities and clientInfo " +
          "(name, version) are required",
      );
    }
    return rpcErrorResponse(
      400,
      RPC_INVALID_REQUEST,
      "Mcp-Session-Id header is required except on an initialize request",
    );
  }
  // before a session exists: one for a message the SDK then refuses would be left open
  const invalid = refuseInitialize(body.value);
  if (invalid !== undefined) return invalid;
  const refusal = ctx.sessions.refusal;
  if (refusal !== undefined) return rpcErrorResponse(503, RPC_SERVER_ERROR, refusal);
  const id = crypto.randomUUID();
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => id,
    keepAliveMs: ctx.keepAliveMs,
    maxRequestBodySize: ctx.maxRequestBytes,
  });
  const server: McpServer = ctx.createServer({
    sessionId: id,
    principal: ctx.principal,
    transport: "streamable-http",
  });
  await ctx.sessions.open({
    id,
    principal: ctx.principal,
    kind: "streamable-http",
    transport,
    server,
  });
  const requestIds = requestIdsOf(body.value);
  const requests = requestsInFlight(transport, ctx.maxInFlight);
  requests.admit(requestIds);
  const owed = openedStream(transport, requestIds);
  const response = await handled(transport, req, body.value, { requests, requestIds });
  // The transport refused the initialize (e.g. a wrong Accept header): no session exists.
  if (transport.sessionId === undefined) await ctx.sessions.close(id);
  return boundStreamableResponse(await invalidAsInvalidRequest(response, body.value), {
    sessionId: id,
    transport,
    requestIds,
    maxBufferedBytes: ctx.maxBufferedBytes,
    budget: ctx.eventBudget,
    owed,
  });
}

/**
 * The SDK transport's answer to a POST whose requests (`requestIds`) hold places in
 * `requests`: when it refused the POST (no event stream), they never ran and give their
 * places back.
 */
async function handled(
  transport: WebStandardStreamableHTTPServerTransport,
  req: Request,
  body: unknown,
  held: { requests: RequestsInFlight; requestIds: readonly (string | number)[] },
): Promise<Response> {
  let response: Response | undefined;
  try {
    response = await transport.handleRequest(req, { parsedBody: body });
    return response;
  } finally {
    if (response?.status !== 200 || !isEventStream(response)) {
      for (const id of held.requestIds) held.requests.release(id);
      refusedStream(transport, held.requestIds);
    }
  }
}
