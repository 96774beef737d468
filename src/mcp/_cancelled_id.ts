/**
 * Which request a `notifications/cancelled` stops, for the transports that count requests
 * in flight: a cancelled request gets no answer, so its place is freed by the cancel.
 * @module
 */

type RequestId = string | number;

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
