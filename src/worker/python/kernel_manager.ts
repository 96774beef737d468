import { CodegenError } from "../../core/mod.ts";
import type { SandboxProcess } from "../sandbox/mod.ts";
import type { PythonJob } from "./job.ts";
import { Kernel, type KernelCallOptions, type KernelCallResult } from "./kernel.ts";

/** Starts a kernel process for a session. */
export type KernelStarter = (hasVenv: boolean) => Promise<SandboxProcess>;

/** A kernel call's result, with why the kernel was (re)started for it, if it was. */
export type StatefulResult = KernelCallResult & { restarted?: string };

interface Slot {
  kernel: Kernel | undefined;
  /** Why the next start happens (set when the last kernel died or was stopped). */
  reason: string | undefined;
  queue: Promise<unknown>;
  envChanged: boolean;
  closed: boolean;
}

/**
 * One persistent kernel per session: calls are serialized; a kernel that crashed, timed
 * out or was cancelled is replaced on the next call, which reports why. The CPU-seconds
 * rlimit applies to each call (see `kernelLimits`).
 */
export class KernelManager {
  #slots = new Map<string, Slot>();
  #closed = false;

  /** Runs `job` in the session's kernel, starting it with `start` when needed. */
  call(
    sessionId: string,
    job: PythonJob,
    options: KernelCallOptions & { hasVenv: boolean; start: KernelStarter },
  ): Promise<StatefulResult> {
    let slot = this.#slots.get(sessionId);
    if (!slot) {
      slot = {
        kernel: undefined,
        reason: undefined,
        queue: Promise.resolve(),
        envChanged: false,
        closed: false,
      };
      this.#slots.set(sessionId, slot);
    }
    const s = slot;
    const run = s.queue.then(() => this.#call(s, job, options));
    s.queue = run.catch(() => {});
    return run;
  }

  async #call(
    slot: Slot,
    job: PythonJob,
    options: KernelCallOptions & { hasVenv: boolean; start: KernelStarter },
    retry = true,
  ): Promise<StatefulResult> {
    if (this.#closed || slot.closed) {
      throw new CodegenError("CANCELLED", "The session's interpreter was stopped");
    }
    // cancelled while queued: leave the kernel (and its state) alone
    if (options.signal?.aborted) throw new CodegenError("CANCELLED", "Run was cancelled");
    const old = slot.kernel;
    // A venv that appeared since start-up is only visible to a new interpreter.
    const stale = old && slot.envChanged && old.hasVenv !== options.hasVenv;
    if (old && (!old.alive || stale)) {
      if (stale) slot.reason ??= "environment changed";
      else slot.reason ??= `previous interpreter exited with code ${old.exit?.exitCode ?? "?"}`;
      await old.dispose();
      slot.kernel = undefined;
    }
    slot.envChanged = false;
    let restarted: string | undefined;
    if (!slot.kernel) {
      slot.kernel = new Kernel(await options.start(options.hasVenv), options.hasVenv);
      restarted = slot.reason ?? "started";
      slot.reason = undefined;
    }
    const result = await slot.kernel.call(job, options);
    if (result.startFailed !== undefined && restarted !== undefined) {
      // this start did not happen: the next call starts one for the same reason
      await slot.kernel.dispose();
      slot.kernel = undefined;
      slot.reason = restarted === "started" ? undefined : restarted;
      return result;
    }
    if (result.died) {
      slot.reason = result.timedOut
        ? "previous call timed out"
        : result.failure !== undefined
        ? `previous call failed: ${result.failure}`
        : result.cancelled
        ? "previous call was cancelled"
        : result.setupFailed !== undefined
        ? `previous interpreter could not set up the call: ${result.setupFailed}`
        : result.cpuBudgetUsed
        ? `previous interpreter was killed (${result.signal ?? "SIGKILL"}): ` +
          "its sandbox had used up its CPU time"
        : `previous interpreter exited with code ${result.exitCode}` +
          (result.signal ? ` (${result.signal})` : "");
    }
    if (result.diedBefore && retry) {
      // it died between calls (code an earlier call left running): this job never ran, so it
      // runs in a new interpreter, whose start says why; once: a new one that dies before its
      // first job ends the call with that death
      await slot.kernel.dispose();
      slot.kernel = undefined;
      return await this.#call(slot, job, options, false);
    }
    if (result.setupFailed !== undefined) {
      // a new interpreter could not set it up either: nothing ran, and it is no exit code
      return {
        ...result,
        startFailed: `the interpreter could not set up the call: ${result.setupFailed}`,
      };
    }
    return restarted === undefined ? result : { ...result, restarted };
  }

  /** Whether the session's interpreter is running (its variables live in it). */
  alive(sessionId: string): boolean {
    return this.#slots.get(sessionId)?.kernel?.alive === true;
  }

  /** The session's environment changed: a kernel started without the venv restarts. */
  environmentChanged(sessionId: string): void {
    const slot = this.#slots.get(sessionId);
    if (slot) slot.envChanged = true;
  }

  /** Stops the session's kernel (after any call in progress). */
  async closeSession(sessionId: string): Promise<void> {
    const slot = this.#slots.get(sessionId);
    if (!slot) return;
    this.#slots.delete(sessionId);
    slot.closed = true;
    await slot.kernel?.dispose();
    await slot.queue;
    await slot.kernel?.dispose();
  }

  /** Stops every kernel. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#slots.keys()].map((id) => this.closeSession(id)));
  }
}
