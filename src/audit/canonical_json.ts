/**
 * JSON with object keys sorted at every depth, so the same record always hashes the same
 * no matter in which order its fields were written. Values follow `JSON.stringify`
 * (undefined fields are dropped, undefined array items and non-finite numbers become null).
 */
export function canonicalJson(value: unknown): string {
  // Every tool call seals a record on the serving thread, and records are built with their
  // keys in order (chain.ts, digest.ts): then one native JSON.stringify writes the same
  // text, several times faster than assembling it piece by piece.
  if (inCanonicalOrder(value)) return JSON.stringify(value) ?? "null";
  return assemble(value);
}

// Whether JSON.stringify would write `value` exactly as canonicalJson does: every object's
// keys already in sorted order (JavaScript lists integer-like keys first, by number, so
// "9" before "10" fails here), and nothing JSON.stringify treats in a way of its own
// (toJSON, functions, symbols, bigints).
function inCanonicalOrder(value: unknown): boolean {
  if (value === null) return true;
  const type = typeof value;
  if (type === "string" || type === "number" || type === "boolean" || type === "undefined") {
    return true;
  }
  if (type !== "object") return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!inCanonicalOrder(item)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && keys[i - 1]! > keys[i]!) return false;
    if (!inCanonicalOrder(record[keys[i]!])) return false;
  }
  return true;
}

function assemble(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item: unknown = value[i];
      out += item === undefined ? "null" : assemble(item);
    }
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const field = record[key];
    if (field === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(key)}:${assemble(field)}`;
  }
  return out + "}";
}
