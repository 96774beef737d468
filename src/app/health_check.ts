import { parseArgs } from "node:util";

/** Result of `codegen-mcp health`: the exit code and one line to print on failure. */
export interface HealthCheckResult {
  exitCode: 0 | 1 | 2;
  message: string;
}

const USAGE = "usage: codegen-mcp health [--url http://HOST:PORT/healthz] [--timeout MS]";
/** Longest --timeout: timers take at most 2^31-1 ms, and a probe waits far less. */
const MAX_TIMEOUT_MS = 600_000;

/**
 * `codegen-mcp health [--url URL] [--timeout MS]`: GETs a health endpoint (default
 * `http://127.0.0.1:8080/healthz`) and exits 0 on a 200 answer, 1 otherwise, 2 for bad
 * flags. Used as the container HEALTHCHECK, where no shell or curl exists.
 */
export async function runHealthCheck(args: string[]): Promise<HealthCheckResult> {
  const parsed = parseHealthArgs(args);
  if (typeof parsed === "string") return { exitCode: 2, message: `${parsed}; ${USAGE}` };
  const { url, timeoutMs } = parsed;
  // the URL as shown: credentials and query values may be secrets
  const shown = `${url.origin}${url.pathname}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (res.status === 200) return { exitCode: 0, message: `healthy: ${shown}` };
    return { exitCode: 1, message: `unhealthy: ${shown} answered ${res.status}` };
  } catch (err) {
    const why = (err as Error).message.split("\n")[0];
    return { exitCode: 1, message: `unhealthy: ${shown} did not answer (${why})` };
  }
}

// The URL and timeout, or what is wrong with the flags (one line naming the flag).
function parseHealthArgs(args: string[]): { url: URL; timeoutMs: number } | string {
  let values: { url?: string; timeout?: string };
  try {
    values = parseArgs({
      args,
      options: { url: { type: "string" }, timeout: { type: "string" } },
      strict: true,
    }).values;
  } catch (err) {
    return (err as Error).message.split("\n")[0]!;
  }
  const url = URL.parse(values.url ?? "http://127.0.0.1:8080/healthz");
  if (url === null || !["http:", "https:"].includes(url.protocol)) {
    return `--url must be an http:// or https:// URL`;
  }
  const text = values.timeout ?? "3000";
  const timeoutMs = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) {
    return `--timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`;
  }
  return { url, timeoutMs };
}
