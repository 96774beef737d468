/**
 * What the Streamable HTTP front refuses in a POST body before, or instead of, the SDK's
 * transport: batches where the protocol has none, and JSON that is no JSON-RPC message,
 * which the SDK answers as a parse error (-32700) though the body parsed.
 * @module
 */
import { RPC_INVALID_REQUEST, RPC_PARSE_ERROR, rpcErrorResponse } from "./_responses.ts";

/** The first protocol version without JSON-RPC batches. */
export const FIRST_VERSION_WITHOUT_BATCHES = "2025-06-18";

/**
 * A 400 for a batch the protocol does not allow, or undefined. MCP 2025-03-26 has batches
 * (a server must take them); 2025-06-18 removed them. `version` is the request's
 * `MCP-Protocol-Version` header; without one MCP says to assume 2025-03-26.
 */
export function refuseBatch(body: unknown, version: string | null): Response | undefined {
  if (!Array.isArray(body)) return undefined;
  if (body.length === 0) {
    return rpcErrorResponse(400, RPC_INVALID_REQUEST, "Invalid request: the batch is empty");
  }
  if (version !== null && version >= FIRST_VERSION_WITHOUT_BATCHES) {
    return rpcErrorResponse(
      400,
      RPC_INVALID_REQUEST,
      `Invalid request: protocol version ${version} has no batches; post one JSON-RPC message ` +
        "per request",
    );
  }
  return undefined;
}

/**
 * The SDK's answer, with its -32700 for a body that is JSON but no JSON-RPC message made
 * an Invalid Request (-32600) saying what is wrong, as JSON-RPC asks. The SDK is handed
 * the parsed body, so a parse error from it can only mean that.
 */
export async function invalidAsInvalidRequest(
  response: Response,
  body: unknown,
): Promise<Response> {
  if (response.status !== 400 || response.body === null) return response;
  const text = await response.text();
  let code: unknown;
  try {
    code = JSON.parse(text)?.error?.code;
  } catch {
    code = undefined;
  }
  if (code !== RPC_PARSE_ERROR) {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  return rpcErrorResponse(400, RPC_INVALID_REQUEST, whyInvalid(body));
}

// The first fault of an object's envelope; anything else (a notification with bad params,
// a number) gets the general message.
function whyInvalid(body: unknown): string {
  for (const message of Array.isArray(body) ? body : [body]) {
    if (typeof message !== "object" || message === null || Array.isArray(message)) continue;
    const fault = envelopeFault(message as Record<string, unknown>);
    if (fault) return `Invalid request: ${fault}`;
  }
  return "Invalid request: not a JSON-RPC 2.0 request, notification or response";
}

function envelopeFault(m: Record<string, unknown>): string | undefined {
  if (m.jsonrpc !== "2.0") return '"jsonrpc" must be "2.0"';
  if ("id" in m && typeof m.id !== "string" && !Number.isInteger(m.id)) {
    return '"id" must be a string or an integer';
  }
  if ("method" in m && typeof m.method !== "string") return '"method" must be a string';
  const params = m.params;
  if (
    params !== undefined && (typeof params !== "object" || params === null || Array.isArray(params))
  ) {
    return '"params" must be an object';
  }
  return undefined;
}
