/**
 * How long a host path the worker can name. Linux refuses a path of PATH_MAX (4,096) bytes
 * or more, terminator included, in any call that takes one, while code in the sandbox can
 * build a tree of any depth with relative paths: a file that deep cannot be measured,
 * listed or read by the worker, so walks report it instead of skipping it in silence (one
 * run wrote 40 MB that deep in a workspace limited to 10 MiB, counted as 0 bytes).
 * @module
 */

/** Longest host path the system takes, in bytes (PATH_MAX less the terminating NUL). */
export const MAX_HOST_PATH_BYTES = 4095;

const encoder = new TextEncoder();

/** Whether `host` is too long for the system to name. */
export function beyondHostReach(host: string): boolean {
  // a UTF-16 unit is at most 3 bytes of UTF-8: short paths need no encoding
  if (host.length * 3 <= MAX_HOST_PATH_BYTES) return false;
  return host.length > MAX_HOST_PATH_BYTES || encoder.encode(host).length > MAX_HOST_PATH_BYTES;
}
