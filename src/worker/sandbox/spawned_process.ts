import { type BytePipe, bytePipe } from "./byte_pipe.ts";
import type { SandboxExit, SandboxProcess } from "./runner.ts";
import { signalFromExitCode } from "./signal_names.ts";

/** What to spawn: the host program, its arguments and its complete environment. */
export interface SpawnOptions {
  program: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /**
   * The program reports a command killed by signal n as exit code 128 + n (bubblewrap does):
   * such an exit is read back as that signal, so a run ended by SIGXCPU says so however it
   * was launched. Default false.
   */
  exitCodeSignals?: boolean;
}

/**
 * Spawns a process in its own process group (so a kill reaches everything it started that
 * stayed in the group) with piped stdio and nothing inherited from the worker's env.
 */
export function spawnProcess(options: SpawnOptions): SandboxProcess {
  const child = new Deno.Command(options.program, {
    args: options.args,
    env: options.env,
    clearEnv: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    // setsid(): the child leads a new process group we can kill as a whole
    detached: true,
  }).spawn();
  return new SpawnedProcess(child, options.exitCodeSignals === true);
}

class SpawnedProcess implements SandboxProcess {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly stdout: BytePipe;
  readonly stderr: BytePipe;
  #exited = false;
  #stdinClosed = false;
  readonly status: Promise<SandboxExit>;

  constructor(child: Deno.ChildProcess, exitCodeSignals: boolean) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    // Deno's pipes are byte streams; checked here so a change shows at the spawn
    this.stdout = bytePipe(child.stdout);
    this.stderr = bytePipe(child.stderr);
    this.status = child.status.then((s) => {
      this.#exited = true;
      const signal = s.signal ?? (exitCodeSignals ? signalFromExitCode(s.code) : undefined);
      return signal ? { exitCode: s.code, signal } : { exitCode: s.code };
    });
  }

  get pid(): number {
    return this.#child.pid;
  }
  get exited(): boolean {
    return this.#exited;
  }

  async write(data: Uint8Array): Promise<void> {
    await this.#writer.write(data);
  }

  async closeStdin(): Promise<void> {
    if (this.#stdinClosed) return;
    this.#stdinClosed = true;
    await this.#writer.close().catch(() => {});
  }

  kill(): void {
    if (this.#exited) return;
    try {
      Deno.kill(-this.#child.pid, "SIGKILL");
    } catch {
      // already gone, or the group is empty; fall back to the leader itself
      try {
        this.#child.kill("SIGKILL");
      } catch { /* exited */ }
    }
  }

  async dispose(): Promise<void> {
    this.kill();
    await this.status;
    await this.closeStdin();
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (!stream.locked) await stream.cancel().catch(() => {});
    }
  }
}
