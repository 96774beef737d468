/**
 * Starts `main.ts worker` as a child process, as an operator would, and learns its bound
 * address from the start-up log line.
 * @module
 */
import { collectStderr } from "./child_log.ts";

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
    /** Another checkout of this project to run (its `main.ts` and `deno.json`). */
    projectDir?: string;
  },
): Promise<WorkerProcess> {
  const project = options.projectDir;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...(project ? [`--config=${project}deno.json`] : []),
      "-P=worker",
      "--ignore-env",
      "--quiet",
      project ? `${project}main.ts` : MAIN,
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
  const log = collectStderr(child);
  const waitReg = options.waitForRegistration ?? true;
  const addressOf = (text: string) => /"address":"([^"]+)"/.exec(text)?.[1];
  const ready = (text: string) =>
    addressOf(text) !== undefined && (!waitReg || text.includes("Registered as"));
  if (!(await log.waitFor(ready, 30_000))) {
    child.kill("SIGKILL");
    await child.status;
    await log.ended;
    throw new Error(`worker ${options.id} did not register:\n${log.text()}`);
  }
  const address = addressOf(log.text())!;
  let stopped: Promise<Deno.CommandStatus> | undefined;
  const stop = (signal: Deno.Signal = "SIGTERM") => {
    if (!stopped) {
      try {
        child.kill(signal);
      } catch { /* already exited */ }
      stopped = child.status.then(async (s) => {
        await log.ended;
        return s;
      });
    }
    return stopped;
  };
  return {
    id: options.id,
    address,
    process: child,
    log: () => log.text(),
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop("SIGKILL");
    },
  };
}
