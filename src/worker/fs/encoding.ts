/**
 * Strict text and base64 codecs for file contents: bad input is reported (null), never
 * silently replaced.
 * @module
 */

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// fromBase64 skips ASCII whitespace; strict input has none.
const WHITESPACE = /[\t\n\f\r ]/;

/** Decodes UTF-8, or returns null when the bytes are not valid UTF-8. A BOM is kept. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The length of the longest prefix of `bytes` that does not end inside a multi-byte UTF-8
 * sequence, so a truncated read can stop on a character boundary.
 */
export function utf8Boundary(bytes: Uint8Array): number {
  const end = bytes.length;
  // look back at most 3 bytes for the lead byte of the last sequence
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + need <= end ? end : i;
  }
  return end;
}

/** Decodes canonical padded base64 (no whitespace, no URL alphabet), or returns null. */
export function decodeBase64(text: string): Uint8Array | null {
  if (WHITESPACE.test(text)) return null;
  try {
    return Uint8Array.fromBase64(text, { lastChunkHandling: "strict" });
  } catch {
    return null;
  }
}

/** The decoded size of canonical base64 text, computed without decoding. */
export function base64Size(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor(text.length / 4) * 3 - padding);
}

/** Encodes bytes as padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}
