/**
 * `value` in JSON quotes, cut to its first `max` characters with `…` after: a value a peer
 * chose (a worker id, an address) cannot flood a log line or an error message.
 */
export function boundedQuote(value: string, max = 80): string {
  return JSON.stringify(boundedText(value, max));
}

/** `value` cut to its first `max` characters with `…` after, unquoted. */
export function boundedText(value: string, max = 80): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
