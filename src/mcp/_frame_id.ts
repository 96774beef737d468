/** How many bytes of each end of an over-long frame are kept to find its request id. */
export const FRAME_EDGE_BYTES = 256;

const ID = String.raw`"id"\s*:\s*(-?\d{1,15}|"[^"\\]{0,200}")`;
// clients put the id first ({"jsonrpc":"2.0","id":7,...}) or last (the TypeScript SDK)
const AT_START = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?${ID}`);
const AT_END = new RegExp(String.raw`${ID}\s*\}\s*$`);

/**
 * The request id of a frame too long to parse, read from its first and last bytes, or
 * undefined. Only the two places clients write it are looked at, so text inside the
 * arguments that looks like an id is never taken for it.
 */
export function frameRequestId(head: string, tail: string): string | number | undefined {
  const match = AT_START.exec(head) ?? AT_END.exec(tail);
  if (!match?.[1]) return undefined;
  return match[1].startsWith('"') ? match[1].slice(1, -1) : Number(match[1]);
}

/** The first `n` bytes of `parts` then `more`, joined. */
export function firstBytes(parts: Uint8Array[], more: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let filled = 0;
  for (const part of [...parts, more]) {
    const take = Math.min(n - filled, part.length);
    out.set(part.subarray(0, take), filled);
    filled += take;
    if (filled === n) break;
  }
  return out.subarray(0, filled);
}

/** The last `n` bytes of `before` followed by `more`. */
export function lastBytes(before: Uint8Array, more: Uint8Array, n: number): Uint8Array {
  if (more.length >= n) return more.slice(more.length - n);
  const keep = Math.min(before.length, n - more.length);
  const out = new Uint8Array(keep + more.length);
  out.set(before.subarray(before.length - keep));
  out.set(more, keep);
  return out;
}
