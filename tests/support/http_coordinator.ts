/**
 * Starts `main.ts serve --transport http --port 0` as a child process and learns its URL
 * from the start-up log line on stderr.
 * @module
 */
import { collectStderr } from "./child_log.ts";
import { Client, StreamableHTTPClientTransport } from "./sdk_client.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A coordinator child process serving HTTP. */
export interface HttpCoordinator extends AsyncDisposable {
  url: string;
  /** Port of the worker-lifecycle gRPC listener. */
  grpcPort: number;
  dir: string;
  /** Everything the coordinator logged so far. */
  log(): string;
  process: Deno.ChildProcess;
  close(): Promise<void>;
}

/** Spawns an HTTP coordinator; `env` and `args` are added. Waits at most 30 s for it. */
export async function startHttpCoordinator(
  options: { env?: Record<string, string>; args?: string[]; permissionFlags?: string[] } = {},
): Promise<HttpCoordinator> {
  const dir = await Deno.makeTempDir({ prefix: "codegen-http-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...(options.permissionFlags ?? ["-P=coordinator", "--ignore-env"]),
      "--quiet",
      MAIN,
      "serve",
      "--transport",
      "http",
      "--port",
      "0",
      "--grpc-port",
      "0",
      ...(options.args ?? []),
    ],
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: dir,
      WORKSPACE_ROOT: `${dir}/ws`,
      AUDIT_LOG: `${dir}/audit.jsonl`,
      LOG_LEVEL: "info",
      ...options.env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log = collectStderr(child);
  // the MCP listener's line: an admin listener logs a url of its own before it
  const urlOf = (text: string) =>
    /Serving MCP over HTTP[^\n]*"url":"(http:\/\/[^"]+)"/.exec(text)?.[1];
  if (!(await log.waitFor((text) => urlOf(text) !== undefined, 30_000))) {
    child.kill("SIGKILL");
    await child.status;
    await log.ended;
    throw new Error(`coordinator did not start listening:\n${log.text()}`);
  }
  const url = urlOf(log.text())!;
  const grpcPort = Number(
    /Worker lifecycle listening[^\n]*"port":(\d+)/.exec(log.text())?.[1] ?? NaN,
  );
  const close = async () => {
    const signal = () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    };
    signal();
    // a second signal ends the drain of calls a test left running (up to 30 s otherwise)
    const timer = setTimeout(signal, 2_000);
    await child.status;
    clearTimeout(timer);
    await log.ended;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return {
    url,
    grpcPort,
    dir,
    process: child,
    log: () => log.text(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** An MCP SDK client connected over Streamable HTTP to the coordinator at `url`. */
export async function connectMcp(url: string, name: string): Promise<Client> {
  const client = new Client({ name, version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  return client;
}

/** The session workspaces under an HTTP coordinator's dir (none when it has no root yet). */
export async function sessionWorkspaces(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dir}/ws/sessions`)) names.push(e.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names;
}
