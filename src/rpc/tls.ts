import { Buffer } from "node:buffer";
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { ChannelCredentials, ServerCredentials } from "@grpc/grpc-js";
import { CodegenError } from "../core/mod.ts";
import { guardTlsInitRead } from "./_tls_crash_guard.ts";

/** TLS settings as PEM file paths (see {@link readTlsFiles}). */
export interface TlsFiles {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
}

/**
 * TLS settings as PEM bytes, read once at start-up: the bytes a start-up check accepted
 * are the ones every listener and channel uses, however the files change later. A server
 * with `ca` requires client certificates signed by it (mutual TLS); a client with
 * `cert`+`key` presents them. Deno needs X.509 v3 certificates for client authentication.
 */
export interface TlsPem {
  cert?: Uint8Array | undefined;
  key?: Uint8Array | undefined;
  ca?: Uint8Array | undefined;
}

/** Reads each file given; a file that cannot be read is a CONFIG_INVALID error naming it. */
export function readTlsFiles(files: TlsFiles): TlsPem {
  return {
    cert: files.cert === undefined ? undefined : read(files.cert, "certificate"),
    key: files.key === undefined ? undefined : read(files.key, "key"),
    ca: files.ca === undefined ? undefined : read(files.ca, "CA"),
  };
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

/** Whether TLS bytes can be used, or which part is at fault and why. */
export type TlsCheck = { ok: true } | { ok: false; part: "cert" | "key" | "ca"; reason: string };

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

// Every certificate in a PEM file; X509Certificate alone reads only the first.
function certificates(pem: Uint8Array): X509Certificate[] {
  const blocks = new TextDecoder().decode(pem).match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new Error("no PEM certificate in it");
  return blocks.map((block) => new X509Certificate(block));
}

function failed(part: "cert" | "key" | "ca", what: string, err: unknown): TlsCheck {
  const detail = err instanceof Error ? err.message : String(err);
  return { ok: false, part, reason: `${what}: ${detail}` };
}

/**
 * Parses the certificates and key, and checks that the key belongs to the certificate.
 * Neither grpc-js nor the runtime checks them before a handshake (the runtime's
 * `createSecureContext` accepts any bytes), where a fault fails every connection and is
 * logged nowhere; run it once at start-up.
 */
export function checkTlsPem(pem: TlsPem): TlsCheck {
  let leaf: X509Certificate | undefined;
  if (pem.cert) {
    try {
      leaf = certificates(pem.cert)[0];
    } catch (err) {
      return failed("cert", "not a PEM certificate", err);
    }
  }
  if (pem.key) {
    let key: KeyObject;
    try {
      key = createPrivateKey(Buffer.from(pem.key));
    } catch (err) {
      return failed("key", "not a PEM private key", err);
    }
    if (leaf && !leaf.checkPrivateKey(key)) {
      return { ok: false, part: "key", reason: "the key does not belong to the certificate" };
    }
  }
  if (pem.ca) {
    try {
      certificates(pem.ca);
    } catch (err) {
      return failed("ca", "not a PEM certificate", err);
    }
  }
  return { ok: true };
}

/** Server credentials: insecure without `tls`, TLS with cert+key, mutual TLS with `ca` too. */
export function serverCredentials(tls: TlsPem | undefined): ServerCredentials {
  if (!tls?.cert && !tls?.key) return ServerCredentials.createInsecure();
  guardTlsInitRead();
  if (!tls.cert || !tls.key) {
    throw new CodegenError("CONFIG_INVALID", "TLS needs both a certificate and a key");
  }
  const cert = Buffer.from(tls.cert);
  const key = Buffer.from(tls.key);
  const ca = tls.ca ? Buffer.from(tls.ca) : null;
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
  tls: TlsPem | undefined,
  verifyIp?: string,
): ChannelCredentials {
  if (!tls?.ca && !tls?.cert) return ChannelCredentials.createInsecure();
  guardTlsInitRead();
  const ca = tls.ca ? Buffer.from(tls.ca) : null;
  const key = tls.key ? Buffer.from(tls.key) : null;
  const cert = tls.cert ? Buffer.from(tls.cert) : null;
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
