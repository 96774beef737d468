/**
 * Starts `main.ts worker` as a child process, as an operator would, and learns its bound
 * address from the start-up log line.
 * @module
 */
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A worker child process. */
export interface WorkerProcess extends AsyncDisposable {
  id: string;
  address: string;
  process: Deno.ChildProcess;
  /** Everything the worker logged so far. */
  log(): string;
  /** Sends a signal (default SIGTERM) and waits for the exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/** Spawns a worker registering with `coordinator`; waits (bounded) until it registered. */
export async function startWorkerProcess(
  options: {
    id: string;
    coordinator: string;
    workspaceRoot: string;
    env?: Record<string, string>;
    args?: string[];
    /** Wait until the coordinator accepted it (default true); false: until it listens. */
    waitForRegistration?: boolean;
  },
): Promise<WorkerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-P=worker",
      "--ignore-env",
      "--quiet",
      MAIN,
      "worker",
      "--coordinator",
      options.coordinator,
      "--listen",
      "127.0.0.1:0",
      "--worker-id",
      options.id,
      "--workspace-root",
      options.workspaceRoot,
      ...(options.args ?? []),
    ],
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: options.workspaceRoot,
      LOG_LEVEL: "info",
      ...options.env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        if (text.length < 2_000_000) text += value;
      }
    } catch { /* process ended */ }
  })();
  const deadline = Date.now() + 30_000;
  const waitReg = options.waitForRegistration ?? true;
  const ready = () => !waitReg || text.includes("Registered as");
  let address: string | undefined;
  while (Date.now() < deadline) {
    address ??= /"address":"([^"]+)"/.exec(text)?.[1];
    if (address && ready()) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!address || !ready()) {
    child.kill("SIGKILL");
    await child.status;
    await pump;
    throw new Error(`worker ${options.id} did not register:\n${text}`);
  }
  let stopped: Promise<Deno.CommandStatus> | undefined;
  const stop = (signal: Deno.Signal = "SIGTERM") => {
    if (!stopped) {
      try {
        child.kill(signal);
      } catch { /* already exited */ }
      stopped = child.status.then(async (s) => {
        await pump;
        return s;
      });
    }
    return stopped;
  };
  return {
    id: options.id,
    address,
    process: child,
    log: () => text,
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop("SIGKILL");
    },
  };
}
