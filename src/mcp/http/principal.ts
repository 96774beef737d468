import { sha256Hex } from "../../core/mod.ts";

/**
 * Who a request speaks for; an MCP session is bound to the principal that created it.
 * With a bearer token it is a short digest of the token (never the token itself);
 * without one, the client's IP address (not the port, which changes per connection).
 */
export async function principalOf(
  authToken: string | undefined,
  remoteIp: string,
): Promise<string> {
  if (authToken !== undefined) return `bearer:${(await sha256Hex(authToken)).slice(0, 12)}`;
  return `anonymous@${remoteIp}`;
}
