import { toHex } from "../../core/mod.ts";

const encoder = new TextEncoder();

/**
 * The bearer principal's key stretching: PBKDF2-HMAC-SHA256 at the iteration count OWASP
 * recommends for it, so each guess at the token from a principal in a log costs as much as
 * a password guess (about 0.3 s of CPU here), not one hash. Computed once per server start:
 * every accepted caller presents the same token.
 */
export const PRINCIPAL_KDF = {
  salt: "codegen-mcp bearer principal v1",
  iterations: 600_000,
} as const;

/**
 * Who a request speaks for; an MCP session is bound to the principal that created it.
 * With a bearer token it is a short, slow digest of the token (never the token itself);
 * without one, the client's IP address (not the port, which changes per connection).
 */
export async function principalOf(
  authToken: string | undefined,
  remoteIp: string,
): Promise<string> {
  if (authToken !== undefined) return `bearer:${(await stretched(authToken)).slice(0, 12)}`;
  return `anonymous@${remoteIp}`;
}

async function stretched(token: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(token), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    {
      name: "PBKDF2",
      hash: "SHA-256",
      salt: encoder.encode(PRINCIPAL_KDF.salt),
      iterations: PRINCIPAL_KDF.iterations,
    },
    key,
    64,
  );
  return toHex(new Uint8Array(bits));
}
