import type { JsonBodyResult } from "./body.ts";

/**
 * JSON-RPC error codes the HTTP front uses in error bodies, as the SDK's transport does:
 * -32700 only for a body that is not JSON, -32600 for JSON that is no valid message
 * (-32602 for an initialize whose params are not valid),
 * -32001 for an unknown session, -32000 for every other refusal (401, 403, 405, 408, 413,
 * 429, 503, ...), -32603 for a fault of ours.
 */
export const RPC_SERVER_ERROR = -32000;
export const RPC_SESSION_NOT_FOUND = -32001;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_PARSE_ERROR = -32700;
export const RPC_INTERNAL_ERROR = -32603;

/**
 * An HTTP error whose body is a JSON-RPC error, with `id` when the refused message's can be
 * read (else null), so MCP clients can show the message whatever the status.
 */
export function rpcErrorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
  id: string | number | null = null,
): Response {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id });
  return new Response(body, {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * 404 for an unknown session, also used when the session belongs to someone else; with
 * the reason it ended when that is known (404 all the same: the client initializes anew).
 */
export function sessionNotFound(reason?: string): Response {
  const why = reason === undefined ? "" : `: ${reason}`;
  const message = `Session not found${why}; send initialize to start a new session`;
  return rpcErrorResponse(404, RPC_SESSION_NOT_FOUND, message);
}

/** 405 naming the methods `allow`ed on the path. */
export function methodNotAllowed(method: string, path: string, allow: string): Response {
  return rpcErrorResponse(
    405,
    RPC_SERVER_ERROR,
    `Method "${method}" is not allowed on "${path}"`,
    { allow },
  );
}

type BodyRefusal = Extract<JsonBodyResult, { ok: false }>;

// A body too large, too slow or cut short by a shutdown is the server refusing it, not
// malformed JSON: a client must not take it for a fault in what it sent (the SDK answers
// its own 413 with -32000 too).
const BODY_CODES: Record<BodyRefusal["status"], number> = {
  400: RPC_PARSE_ERROR,
  408: RPC_SERVER_ERROR,
  413: RPC_SERVER_ERROR,
  503: RPC_SERVER_ERROR,
};

/** The answer to a request body `readJsonBody` refused, with the code for why. */
export function bodyRefused(body: BodyRefusal): Response {
  const headers: Record<string, string> = body.retryAfterSeconds === undefined
    ? {}
    : { "retry-after": String(body.retryAfterSeconds) };
  return rpcErrorResponse(body.status, BODY_CODES[body.status], body.message, headers);
}
