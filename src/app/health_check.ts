import { parseArgs } from "node:util";

/** Result of `codegen-mcp health`: the exit code and one line to print on failure. */
export interface HealthCheckResult {
  exitCode: 0 | 1 | 2;
  message: string;
}

/**
 * `codegen-mcp health [--url URL] [--timeout MS]`: GETs a health endpoint (default
 * `http://127.0.0.1:8080/healthz`) and exits 0 on a 200 answer, 1 otherwise. Used as the
 * container HEALTHCHECK, where no shell or curl exists.
 */
export async function runHealthCheck(args: string[]): Promise<HealthCheckResult> {
  let url: URL;
  let timeoutMs: number;
  try {
    const { values } = parseArgs({
      args,
      options: { url: { type: "string" }, timeout: { type: "string" } },
      strict: true,
    });
    url = new URL(values.url ?? "http://127.0.0.1:8080/healthz");
    timeoutMs = Number(values.timeout ?? 3000);
    if (!["http:", "https:"].includes(url.protocol) || !(timeoutMs > 0)) {
      throw new Error("bad value");
    }
  } catch (err) {
    return {
      exitCode: 2,
      message: `usage: codegen-mcp health [--url http://HOST:PORT/healthz] [--timeout MS] (${
        (err as Error).message
      })`,
    };
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (res.status === 200) return { exitCode: 0, message: `healthy: ${url}` };
    return { exitCode: 1, message: `unhealthy: ${url} answered ${res.status}` };
  } catch (err) {
    return { exitCode: 1, message: `unhealthy: ${url} did not answer (${(err as Error).message})` };
  }
}
