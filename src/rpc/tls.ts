import { Buffer } from "node:buffer";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { ChannelCredentials, ServerCredentials } from "@grpc/grpc-js";
import { CodegenError } from "../core/mod.ts";

/**
 * TLS settings as PEM file paths. A server with `ca` requires client certificates signed
 * by it (mutual TLS); a client with `cert`+`key` presents them. Deno needs X.509 v3
 * certificates for client authentication.
 */
export interface TlsFiles {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
}

function read(path: string, what: string): Uint8Array {
  try {
    return Deno.readFileSync(path);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CodegenError("CONFIG_INVALID", `Cannot read TLS ${what} "${path}": ${detail}`, {
      cause: err,
    });
  }
}

/** Server credentials: insecure without `tls`, TLS with cert+key, mutual TLS with `ca` too. */
export function serverCredentials(tls: TlsFiles | undefined): ServerCredentials {
  if (!tls?.cert && !tls?.key) return ServerCredentials.createInsecure();
  if (!tls.cert || !tls.key) {
    throw new CodegenError("CONFIG_INVALID", "TLS needs both a certificate and a key");
  }
  const cert = Buffer.from(read(tls.cert, "certificate"));
  const key = Buffer.from(read(tls.key, "key"));
  const ca = tls.ca ? Buffer.from(read(tls.ca, "CA")) : null;
  // Deno's TLS server fails every handshake when given `ca: null`, which is what grpc-js
  // passes without a CA; any certificate will do as the (unused) CA when client
  // certificates are not requested.
  return ServerCredentials.createSsl(
    ca ?? cert,
    [{ cert_chain: cert, private_key: key }],
    ca !== null,
  );
}

/**
 * Channel credentials: insecure without `tls`, else TLS trusting `ca` (or system roots).
 * `verifyIp` checks the server certificate against that IP address instead of the TLS
 * server name (see {@link IP_SERVER_NAME}).
 */
export function channelCredentials(
  tls: TlsFiles | undefined,
  verifyIp?: string,
): ChannelCredentials {
  if (!tls?.ca && !tls?.cert) return ChannelCredentials.createInsecure();
  const ca = tls.ca ? Buffer.from(read(tls.ca, "CA")) : null;
  const key = tls.key ? Buffer.from(read(tls.key, "key")) : null;
  const cert = tls.cert ? Buffer.from(read(tls.cert, "certificate")) : null;
  const verify = verifyIp === undefined ? {} : {
    checkServerIdentity: (_name: string, peer: PeerCertificate) =>
      checkServerIdentity(verifyIp, peer),
  };
  return ChannelCredentials.createSsl(ca, key, cert, verify);
}

/**
 * Deno refuses an IP address as the TLS server name, so a channel to an IP literal sends
 * this name instead and verifies the certificate's IP SAN itself.
 */
export const IP_SERVER_NAME = "ip-address.invalid";
