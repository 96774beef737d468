/** Outcome of {@link readJsonBody}: the parsed value, or the HTTP status to answer with. */
export type JsonBodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413; message: string };

function tooLarge(maxBytes: number): JsonBodyResult {
  return {
    ok: false,
    status: 413,
    message: `Request body is too large: the limit is ${maxBytes} bytes (MAX_REQUEST_BYTES)`,
  };
}

/**
 * Reads and parses a JSON request body of at most `maxBytes` bytes. A declared
 * `Content-Length` over the limit is refused before reading; otherwise reading stops,
 * and the stream is cancelled, as soon as more than the limit has arrived.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<JsonBodyResult> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await req.body?.cancel().catch(() => {});
    return tooLarge(maxBytes);
  }
  if (req.body === null) return { ok: false, status: 400, message: "Request body is empty" };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return { ok: false, status: 400, message: "Request body is not valid JSON" };
  }
}
