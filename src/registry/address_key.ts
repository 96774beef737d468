/**
 * One spelling per worker address, for telling whether two registrations name the same
 * listener: `localhost:50051`, `127.0.0.1:050051` and `[::ffff:127.0.0.1]:50051` all reach
 * the same one, and two ids there would count its slots twice. Host names other than
 * `localhost` are kept as written (resolving them would take a lookup per registration).
 * @module
 */

/** The address's key: host in its usual form (IPv4 dotted, IPv6 compressed), port as a number. */
export function addressKey(address: string): string {
  let url: URL;
  try {
    url = new URL(`http://${address}`);
  } catch {
    return address;
  }
  let host = url.hostname;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(host);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    host = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  if (host === "localhost") host = "127.0.0.1";
  return `${host}:${url.port || "80"}`;
}
