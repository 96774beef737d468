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
  /**
   * A kill sent sooner than this after the start waits until then (default 0). See
   * {@link BWRAP_SETUP_GRACE_MS}.
   */
  killGraceMs?: number;
}

/**
 * How long a bubblewrap launch is left to set up before a kill. Its child, the sandbox's
 * init, leaves bubblewrap's process group and asks to die with bubblewrap only some way into
 * its set-up, and a worker that may run only `bwrap` cannot signal a process group anyway
 * (`Deno.kill` of a group needs every run permission): killed sooner, bubblewrap dies alone
 * and the init lives on, mounts and all, until the machine restarts. Measured: 11 of 40
 * sandboxes killed at once were left behind, none of 40 killed 100 ms after their start.
 */
export const BWRAP_SETUP_GRACE_MS = 250;

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
  return new SpawnedProcess(child, options.exitCodeSignals === true, options.killGraceMs ?? 0);
}

class SpawnedProcess implements SandboxProcess {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly stdout: BytePipe;
  readonly stderr: BytePipe;
  #exited = false;
  #stdinClosed = false;
  #killableAt: number;
  #killTimer: ReturnType<typeof setTimeout> | undefined;
  readonly status: Promise<SandboxExit>;

  constructor(child: Deno.ChildProcess, exitCodeSignals: boolean, killGraceMs: number) {
    this.#child = child;
    this.#killableAt = performance.now() + killGraceMs;
    this.#writer = child.stdin.getWriter();
    // Deno's pipes are byte streams; checked here so a change shows at the spawn
    this.stdout = bytePipe(child.stdout);
    this.stderr = bytePipe(child.stderr);
    this.status = child.status.then((s) => {
      this.#exited = true;
      clearTimeout(this.#killTimer);
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
    if (this.#exited || this.#killTimer !== undefined) return;
    const wait = this.#killableAt - performance.now();
    if (wait > 0) {
      // `status` settles only after the kill, so whoever awaits it waits for this too
      this.#killTimer = setTimeout(() => this.#killNow(), wait);
      return;
    }
    this.#killNow();
  }

  #killNow(): void {
    if (this.#exited) return;
    try {
      Deno.kill(-this.#child.pid, "SIGKILL");
    } catch {
      // gone, an empty group, or no right to signal one (a thread that may run only bwrap):
      // the leader itself, then
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
