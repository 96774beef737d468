import { Buffer } from "node:buffer";
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
  const ca = tls.ca ? read(tls.ca, "CA") : null;
  const pair = { cert_chain: read(tls.cert, "certificate"), private_key: read(tls.key, "key") };
  return ServerCredentials.createSsl(ca && Buffer.from(ca), [{
    cert_chain: Buffer.from(pair.cert_chain),
    private_key: Buffer.from(pair.private_key),
  }], ca !== null);
}

/** Channel credentials: insecure without `tls`, else TLS trusting `ca` (or system roots). */
export function channelCredentials(tls: TlsFiles | undefined): ChannelCredentials {
  if (!tls?.ca && !tls?.cert) return ChannelCredentials.createInsecure();
  const ca = tls.ca ? Buffer.from(read(tls.ca, "CA")) : null;
  const key = tls.key ? Buffer.from(read(tls.key, "key")) : null;
  const cert = tls.cert ? Buffer.from(read(tls.cert, "certificate")) : null;
  return ChannelCredentials.createSsl(ca, key, cert);
}
