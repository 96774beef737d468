/**
 * Which parsed stdio lines the protocol layer would drop without an answer, and how to
 * answer them instead: a client that sent a request waits for its answer, and a silent
 * drop leaves it waiting for ever with no word of what was wrong.
 * @module
 */
import type { JSONRPCMessage } from "./sdk.ts";

/** One JSON-RPC error to send for a refused line: with the request's id when it has one. */
export interface FrameRefusal {
  id?: string | number;
  message: string;
}

/** A JSON-RPC error; without an id when none could be read, which MCP's schema allows. */
export function errorFrame(
  id: string | number | undefined,
  message: string,
  code = -32600,
): JSONRPCMessage {
  const error = { code, message };
  return (id === undefined
    ? { jsonrpc: "2.0", error }
    : { jsonrpc: "2.0", id, error }) as JSONRPCMessage;
}

/** What a client that sent a malformed line should do instead. */
export const ONE_PER_LINE = "send one JSON-RPC 2.0 message per line";

/**
 * The errors to answer a parsed line with, or none when it is a message the protocol layer
 * takes (a request, notification or response; it checks their fields). A batch, where the
 * protocol version has none (see _stdio_batches.ts), is answered once per request in it. A
 * notification with bad fields gets no answer, as JSON-RPC says.
 */
export function refuseFrame(value: unknown): FrameRefusal[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [{ message: "Invalid request: the batch is empty" }];
    const message = "Invalid request: batches are not supported at this protocol version " +
      `(MCP has them only at 2025-03-26); ${ONE_PER_LINE}`;
    const ids = value.map(requestIdOf).filter((id) => id !== undefined);
    return ids.length > 0 ? ids.map((id) => ({ id, message })) : [{ message }];
  }
  if (typeof value !== "object" || value === null) {
    return [{ message: `Invalid request: not a JSON object; ${ONE_PER_LINE}` }];
  }
  const m = value as Record<string, unknown>;
  const id = requestIdOf(m);
  const refuse = (
    why: string,
  ): FrameRefusal[] => [id === undefined ? { message: why } : { id, message: why }];
  if (m.jsonrpc !== "2.0") return refuse('Invalid request: "jsonrpc" must be "2.0"');
  if (!("method" in m)) return []; // a response to one of the server's requests
  if (!("id" in m)) return []; // a notification: never answered
  if (typeof m.method !== "string") return refuse('Invalid request: "method" must be a string');
  if (id === undefined) return refuse('Invalid request: "id" must be a string or an integer');
  const params = m.params;
  if (
    params !== undefined && (typeof params !== "object" || params === null || Array.isArray(params))
  ) {
    return refuse('Invalid request: "params" must be an object');
  }
  // the protocol layer takes exactly these members, and drops a request with any other
  const extra = Object.keys(m).find((key) => !REQUEST_MEMBERS.has(key));
  if (extra !== undefined) {
    return refuse(
      `Invalid request: unknown member ${JSON.stringify(extra.slice(0, 64))} ` +
        "(a request has jsonrpc, id, method and params)",
    );
  }
  return [];
}

const REQUEST_MEMBERS = new Set(["jsonrpc", "id", "method", "params"]);

// The id a request can be answered with: a string or an integer, as MCP allows.
function requestIdOf(value: unknown): string | number | undefined {
  if (typeof value !== "object" || value === null || !("method" in value)) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === "string" || Number.isInteger(id) ? id as string | number : undefined;
}

/**
 * Whether a request's `_meta`, when given, is an object whose progressToken is a string or
 * an integer, as the SDK's request schema demands (it drops one that is not, unanswered).
 */
export function hasValidMeta(message: JSONRPCMessage): boolean {
  const meta = (message as { params?: { _meta?: unknown } }).params?._meta;
  if (meta === undefined) return true;
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return false;
  const token = (meta as { progressToken?: unknown }).progressToken;
  return token === undefined || typeof token === "string" || Number.isInteger(token);
}
