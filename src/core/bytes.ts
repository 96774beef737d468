/**
 * Joins byte chunks into one array. A single chunk is returned as is (no copy), so copy
 * it first if its buffer will be reused.
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** First index of `needle` in `hay`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  if (first === undefined) return 0;
  let i = hay.indexOf(first);
  while (i >= 0 && i + needle.length <= hay.length) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
    i = hay.indexOf(first, i + 1);
  }
  return -1;
}

/**
 * Length of the longest end of `bytes` that begins `needle` but is shorter than it: what a
 * stream filter holds back until the next chunk says whether `needle` is there.
 */
export function needleStartAtEnd(bytes: Uint8Array, needle: Uint8Array): number {
  for (let start = Math.max(0, bytes.length - needle.length + 1); start < bytes.length; start++) {
    let j = 0;
    while (start + j < bytes.length && bytes[start + j] === needle[j]) j++;
    if (start + j === bytes.length) return bytes.length - start;
  }
  return 0;
}

/**
 * UTF-8 length of `s` without encoding it: 1 byte below U+0080, 2 below U+0800, 4 for a
 * surrogate pair, 3 otherwise (a lone surrogate too: it is encoded as U+FFFD).
 */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLow(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
