/** JSON-RPC error codes the HTTP front uses in error bodies (the SDK uses the same ones). */
export const RPC_SERVER_ERROR = -32000;
export const RPC_SESSION_NOT_FOUND = -32001;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_PARSE_ERROR = -32700;
export const RPC_INTERNAL_ERROR = -32603;

/**
 * An HTTP error whose body is a JSON-RPC error without an id, so MCP clients can show the
 * message whatever the status.
 */
export function rpcErrorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
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
