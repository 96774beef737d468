/**
 * JSON with object keys sorted at every depth, so the same record always hashes the same
 * no matter in which order its fields were written. Values follow `JSON.stringify`
 * (undefined fields are dropped, undefined array items and non-finite numbers become null).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item: unknown = value[i];
      out += item === undefined ? "null" : canonicalJson(item);
    }
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // every record is sealed on the serving path: sort only when the keys are out of order
  // (records are built in order, see chain.ts)
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let out = "{";
  for (const key of keys) {
    const field = record[key];
    if (field === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(key)}:${canonicalJson(field)}`;
  }
  return out + "}";
}
