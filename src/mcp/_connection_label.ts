/**
 * How logs name an MCP connection: the first 8 characters of its id. Over HTTP the id is the
 * `Mcp-Session-Id`, which is all that keeps one client (with the shared bearer token) out of
 * another's session: logs are read more widely than the token is held, so they never carry
 * it whole, while 8 characters still tell connections apart when reading them.
 */
export function connectionLabel(id: string): string {
  return id.length <= 8 ? id : `${id.slice(0, 8)}…`;
}
