/**
 * Starts `main.ts serve --transport http --port 0` as a child process and learns its URL
 * from the start-up log line on stderr.
 * @module
 */
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
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let url: string | undefined;
  const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    while (!url) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`coordinator exited before listening:\n${buffered}`);
      buffered += value;
      url = /"url":"(http:\/\/[^"]+)"/.exec(buffered)?.[1];
    }
  } finally {
    clearTimeout(deadline);
  }
  const grpcPort = Number(
    /Worker lifecycle listening[^\n]*"port":(\d+)/.exec(buffered)?.[1] ?? NaN,
  );
  // keep draining stderr so the child never blocks on a full pipe
  const drained = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        if (buffered.length < 2_000_000) buffered += value;
      }
    } catch { /* process ended */ }
  })();
  const close = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await drained;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return {
    url,
    grpcPort,
    dir,
    process: child,
    log: () => buffered,
    close,
    [Symbol.asyncDispose]: close,
  };
}
