/**
 * Checks the package index URL pip is given. pip runs with the host's network, so a URL a
 * caller supplies may not point at the worker's own machine (loopback) or at link-local
 * services such as cloud metadata endpoints; the operator's configured index may. A
 * caller's index must use https: pip trusts a plain-http host only when told to, which
 * the download step does for the operator's index alone.
 *
 * This is the first of two checks: it sees only the literal host, before anything runs.
 * The worker thread has no network grant to resolve names, so the download step
 * (`pip_download.ts`) resolves the host inside its sandbox with the resolver pip uses
 * and refuses any loopback, link-local, unspecified or metadata address (a name in
 * /etc/hosts, `localhost.`); it then refuses those addresses for every connection pip
 * makes, which also covers redirects, file links on the index and a DNS answer that
 * changed between the check and the use (rebinding). Remaining risk: other private
 * addresses (10/8, 192.168/16, ...) stay reachable for a caller's index, as a public
 * mirror may legitimately live there.
 * @module
 */
import { CodegenError } from "../../core/mod.ts";

/** Used when neither the call nor the worker names an index. */
export const DEFAULT_INDEX_URL = "https://pypi.org/simple/";
/** Longest index URL accepted. */
export const MAX_INDEX_URL_CHARS = 2048;

/** Options for {@link checkIndexUrl}. */
export interface IndexUrlOptions {
  /** The URL came from the call rather than the worker's configuration. */
  fromCaller: boolean;
}

/** Returns `url` if pip may use it; throws INVALID_ARGUMENT naming it otherwise. */
export function checkIndexUrl(url: string, options: IndexUrlOptions): string {
  const refuse = (reason: string) =>
    new CodegenError(
      "INVALID_ARGUMENT",
      `Cannot use index_url ${JSON.stringify(String(url).slice(0, 200))}: ${reason}`,
    );
  if (typeof url !== "string" || url.length === 0) throw refuse("it is empty");
  if (url.length > MAX_INDEX_URL_CHARS) {
    throw refuse(`it is longer than ${MAX_INDEX_URL_CHARS} characters`);
  }
  if (/\s/.test(url)) throw refuse("it contains whitespace");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse("it is not a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw refuse("only http and https are allowed");
  }
  if (options.fromCaller && isLocalHost(parsed.hostname)) {
    throw refuse("loopback and link-local hosts are not allowed");
  }
  // pip ignores a plain-http index unless told to trust its host, which only the
  // operator's configured index is
  if (options.fromCaller && parsed.protocol === "http:") {
    throw refuse("an index given in the call must use https");
  }
  return url;
}

/** Loopback, unspecified and link-local names and literals (the URL parser normalized them). */
function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 127 || a === 0 || (a === 169 && b === 254);
  }
  if (host.startsWith("[")) {
    const v6 = host.slice(1, -1);
    // ::1, ::, fe80::/10 and IPv4-mapped addresses (which may hide any of the above)
    return v6 === "::1" || v6 === "::" || /^fe[89ab]/.test(v6) || v6.startsWith("::ffff:");
  }
  return false;
}
