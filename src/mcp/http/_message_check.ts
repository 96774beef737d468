/**
 * What the Streamable HTTP front refuses in a POST body before, or instead of, the SDK's
 * transport: batches where the protocol has none or over its size, and JSON that is no
 * JSON-RPC message, which the SDK answers as a parse error (-32700) though the body parsed.
 * @module
 */
import {
  batchesAllowed,
  batchSizeFault,
  envelopeFault,
  invalidMessage,
  noBatches,
  refuseMessage,
} from "../_frame_check.ts";
import { RPC_INVALID_REQUEST, RPC_PARSE_ERROR, rpcErrorResponse } from "./_responses.ts";

/** What a client whose message was refused should do instead. */
export const ONE_PER_REQUEST = "post one JSON-RPC message per request";

/**
 * A 400 for a batch the protocol does not allow, or undefined. `version` is the request's
 * `MCP-Protocol-Version` header; without one MCP says to assume 2025-03-26, the version
 * with batches. A batch over `MAX_BATCH_MESSAGES` (as on stdio) is refused here, before
 * its requests take places in the session: else one over the session's in-flight limit
 * would get a 429 that no retry could ever get past.
 */
export function refuseBatch(body: unknown, version: string | null): Response | undefined {
  if (!Array.isArray(body)) return undefined;
  const invalid = (message: string) => rpcErrorResponse(400, RPC_INVALID_REQUEST, message);
  if (body.length === 0) return invalid(batchSizeFault(0)!);
  if (version !== null && !batchesAllowed(version)) {
    return invalid(noBatches(version, ONE_PER_REQUEST));
  }
  const fault = batchSizeFault(body.length);
  return fault === undefined ? undefined : invalid(fault);
}

/**
 * A 400 for an `initialize` the SDK takes for one (it checks only method and params) but
 * that cannot open a session: a malformed envelope, which the SDK would call a parse error,
 * or no id, a notification that would open a session whose id never reaches the client.
 */
export function refuseInitialize(body: unknown): Response | undefined {
  const fault = envelopeFault(body);
  if (fault !== undefined) {
    return rpcErrorResponse(400, RPC_INVALID_REQUEST, `Invalid request: ${fault}`);
  }
  if (typeof body === "object" && body !== null && "id" in body) return undefined;
  return rpcErrorResponse(
    400,
    RPC_INVALID_REQUEST,
    "Invalid request: initialize must be a request with an id, not a notification",
  );
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
  // one message: answered with its id when it has one that can be read
  const id = Array.isArray(body) ? undefined : refuseMessage(body)[0]?.id;
  return rpcErrorResponse(400, RPC_INVALID_REQUEST, whyInvalid(body), {}, id ?? null);
}

// The first message whose envelope is at fault says what is wrong; else the general text.
function whyInvalid(body: unknown): string {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  return invalidMessage(messages.map(envelopeFault).find((fault) => fault !== undefined));
}
