/**
 * Keeps a process with TLS on its gRPC connections alive through one fault of Deno's
 * `node:tls`: a TLS socket torn down before its first read starts throws from a deferred
 * task (`initRead` in Deno's TLS wrapper reads the handle it just lost), and an exception
 * there ends the process. A coordinator under mutual TLS died that way when a worker
 * without TLS tried to register. The socket is gone either way; only that one error is
 * swallowed (and logged), every other uncaught error still ends the process.
 * @module
 */
import { getLogger } from "../core/mod.ts";

const log = getLogger("rpc", "tls");
let installed = false;

/** Whether `error` is that fault: a TypeError thrown by initRead in Deno's TLS wrapper. */
export function isTlsInitReadFault(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const top = (error.stack ?? "").split("\n").find((line) => line.trim().startsWith("at "));
  return top !== undefined && /\binitRead\b/.test(top) && top.includes("_tls_wrap.");
}

/** Installs the guard once per process (every TLS credential calls it). */
export function guardTlsInitRead(): void {
  if (installed) return;
  installed = true;
  globalThis.addEventListener("error", (event) => {
    if (!isTlsInitReadFault(event.error)) return;
    event.preventDefault();
    log.warn("A TLS connection closed before its first read: {error}", {
      error: String(event.error),
    });
  });
}
