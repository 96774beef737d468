/**
 * Which request a `notifications/cancelled` stops, or an answer answers, for the transports
 * that count requests in flight: a request's place is freed by its answer or, since a
 * cancelled request gets no answer, by its cancel.
 * @module
 */
import type { JSONRPCMessage } from "./sdk.ts";

type RequestId = string | number;

/** The id of the request `message` answers, or undefined when it is no answer. */
export function answerId(message: JSONRPCMessage): RequestId | undefined {
  return !("method" in message) && "id" in message ? message.id : undefined;
}

/**
 * The id of the request `message` cancels, or undefined when it is no cancel or the SDK
 * would not act on it. The SDK's protocol ignores a cancel whose `requestId` is falsy (0 or
 * ""): that request runs on and is answered, so its place must wait for the answer; freed
 * at the cancel, a client could keep any number of such calls running past the bound.
 */
export function cancelledRequestId(message: unknown): RequestId | undefined {
  const m = message as { method?: unknown; id?: unknown; params?: { requestId?: unknown } };
  if (m?.method !== "notifications/cancelled" || m.id !== undefined) return undefined;
  const id = m.params?.requestId;
  if (typeof id !== "string" && typeof id !== "number") return undefined;
  return sdkCancels(id) ? id : undefined;
}

/** Whether the SDK aborts the handler of request `id` when told it is cancelled. */
export function sdkCancels(id: RequestId): boolean {
  return id !== 0 && id !== "";
}
