/**
 * Which parsed messages the protocol layer would drop without an answer (or, over HTTP,
 * call a parse error), and how to answer them instead: a client that sent a request waits
 * for its answer, and a silent drop leaves it waiting for ever with no word of what was
 * wrong. One set of envelope rules and one batch rule for every transport.
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

/** The one protocol version with JSON-RPC batches: 2025-03-26 added them, 2025-06-18 removed them. */
export const BATCH_VERSION = "2025-03-26";

/** Whether a client speaking `version` may send batches (undefined: none negotiated yet). */
export function batchesAllowed(version: string | undefined): boolean {
  return version === BATCH_VERSION;
}

/** Most messages in one batch, as the SDK's Streamable HTTP transport takes. */
export const MAX_BATCH_MESSAGES = 100;

/** Why a batch of `size` messages is refused at any version (empty, too long), or none. */
export function batchSizeFault(size: number): string | undefined {
  if (size === 0) return "Invalid request: the batch is empty";
  if (size <= MAX_BATCH_MESSAGES) return undefined;
  return `Invalid request: a batch of ${size} messages is over the limit of ${MAX_BATCH_MESSAGES}`;
}

/** The error text for a message the protocol layer cannot take: its envelope's fault, if any. */
export function invalidMessage(fault: string | undefined): string {
  return `Invalid request: ${fault ?? "not a JSON-RPC 2.0 request, notification or response"}`;
}

/** Why a batch is refused at `version`; `instead` says how to send the messages. */
export function noBatches(version: string | undefined, instead: string): string {
  const at = version === undefined ? "before initialize" : `at protocol version ${version}`;
  return `Invalid request: batches are not supported ${at} (MCP has them only at ` +
    `${BATCH_VERSION}); ${instead}`;
}

/**
 * The first fault of one message's envelope, which every transport checks the same way
 * before the protocol layer sees it: the layer drops a request with a bad envelope
 * unanswered (stdio) or calls it a parse error (HTTP). A response or notification is left
 * to the protocol layer: neither is ever answered.
 */
export function envelopeFault(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "not a JSON object";
  }
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return '"jsonrpc" must be "2.0"';
  // an id with neither a method nor a result or error is no message at all
  if (!("method" in m)) {
    return "id" in m && !("result" in m) && !("error" in m) ? NO_KIND : undefined;
  }
  if (!("id" in m)) return undefined;
  if (typeof m.method !== "string") return '"method" must be a string';
  if (requestIdOf(m) === undefined) return '"id" must be a string or an integer';
  const params = m.params;
  if (
    params !== undefined && (typeof params !== "object" || params === null || Array.isArray(params))
  ) {
    return '"params" must be an object';
  }
  // the protocol layer takes exactly these members
  const extra = Object.keys(m).find((key) => !REQUEST_MEMBERS.has(key));
  if (extra !== undefined) {
    return `unknown member ${JSON.stringify(extra.slice(0, 64))} ` +
      "(a request has jsonrpc, id, method and params)";
  }
  if (!hasValidMeta(params)) {
    return '"params._meta" must be an object whose progressToken is a string or an integer';
  }
  return undefined;
}

/**
 * The errors to answer a parsed stdio line with, or none when it is a message the
 * protocol layer takes. A batch, where the protocol version has none (see
 * _stdio_batches.ts), is answered once per request in it. A notification with bad fields
 * gets no answer, as JSON-RPC says.
 */
export function refuseFrame(value: unknown, version?: string): FrameRefusal[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [{ message: batchSizeFault(0)! }];
    const message = noBatches(version, ONE_PER_LINE);
    const ids = value.map(requestIdOf).filter((id) => id !== undefined);
    return ids.length > 0 ? ids.map((id) => ({ id, message })) : [{ message }];
  }
  return refuseMessage(value);
}

/** {@link refuseFrame} for one message, where a batch is just not a JSON object. */
export function refuseMessage(value: unknown): FrameRefusal[] {
  const fault = envelopeFault(value);
  if (fault === undefined) return [];
  const why = invalidMessage(fault) +
    (fault === "not a JSON object" ? `; ${ONE_PER_LINE}` : "");
  const id = fault === NO_KIND ? answerableId(value) : requestIdOf(value);
  return [id === undefined ? { message: why } : { id, message: why }];
}

const NO_KIND = 'no "method" (a request or notification), nor "result" or "error" (a response)';

const REQUEST_MEMBERS = new Set(["jsonrpc", "id", "method", "params"]);

// The id a request can be answered with: a string or an integer, as MCP allows.
function requestIdOf(value: unknown): string | number | undefined {
  if (typeof value !== "object" || value === null || !("method" in value)) return undefined;
  return answerableId(value);
}

function answerableId(value: unknown): string | number | undefined {
  const id = (value as { id?: unknown }).id;
  return typeof id === "string" || Number.isInteger(id) ? id as string | number : undefined;
}

// A request's `_meta`, when given, must be an object whose progressToken is a string or
// an integer, as the SDK's request schema demands.
function hasValidMeta(params: unknown): boolean {
  const meta = (params as { _meta?: unknown } | undefined)?._meta;
  if (meta === undefined) return true;
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return false;
  const token = (meta as { progressToken?: unknown }).progressToken;
  return token === undefined || typeof token === "string" || Number.isInteger(token);
}
