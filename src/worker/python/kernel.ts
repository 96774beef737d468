import { concatBytes, settlesWithin } from "../../core/mod.ts";
import {
  type BytePipe,
  CappedOutput,
  DRAIN_GRACE_MS,
  drainWithin,
  readChunks,
  type SandboxExit,
  type SandboxProcess,
} from "../sandbox/mod.ts";
import { READY_BYTE } from "./_job_framing.ts";
import { FrameSplitter } from "./frame_splitter.ts";
import { jobPayload, type PythonJob } from "./job.ts";
import { lastLine } from "./last_line.ts";

/** How long to wait for the stderr marker once the stdout frame arrived. */
const STDERR_GRACE_MS = 1_000;
/**
 * Longest status line after the marker. A real one is a few dozen bytes; a longer one
 * means the interpreter's trusted part is broken, and it is stopped rather than buffered
 * without bound.
 */
export const MAX_STATUS_BYTES = 4096;

/** Per-call options for {@link Kernel.call}. */
export interface KernelCallOptions {
  timeoutMs: number;
  outputLimitBytes: number;
  signal?: AbortSignal;
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
  /**
   * Called once the job has ended (its status arrived), before the last of its stderr is
   * in: work that does not need the output runs while those bytes are on their way.
   */
  onEnded?: () => void;
}

/** What one call did. `died` means the kernel process ended (crash, timeout, cancel). */
export interface KernelCallResult {
  exitCode: number;
  signal?: string;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  cancelled: boolean;
  died: boolean;
  durationMs: number;
  /**
   * Set when the worker stopped the interpreter because it broke the framing protocol
   * (e.g. an over-long status line); the call failed for that reason, not by its code.
   */
  failure?: string;
  /**
   * Set when the job never started, with why: the fork server could not fork it, or the
   * sandbox ended before Python was up (the launcher's last words). Not the job's exit.
   */
  startFailed?: string;
  /**
   * Set when a stateful kernel's interpreter had died before it took the job (`died` is set
   * too, with how it died): the job did not run.
   */
  diedBefore?: true;
  /**
   * Set with `diedBefore` when the interpreter took the job but could not set it up (earlier
   * code broke it, e.g. closed its output for good), with why: the job did not run.
   */
  setupFailed?: string;
  /**
   * Set when a stateful kernel's supervisor killed the interpreter (`died` is set too): its
   * sandbox's processes together had used up the interpreter's lifetime CPU limit.
   */
  cpuBudgetUsed?: true;
}

/** The JSON status line that ends a job. */
interface JobStatus {
  exitCode: number;
  signal?: string;
  /** The fork server could not clean up after the run: it must not serve another. */
  retire?: boolean;
  /** The fork server could not fork the run: why. */
  startFailed?: string;
  /** The stateful kernel's interpreter died (its supervisor then ends too). */
  died?: boolean;
  /** ... before it took the job: the job did not run. */
  diedBefore?: boolean;
  /** ... while it set the job up, with why: the job did not run. */
  setupFailed?: string;
  /** ... killed by its supervisor: the sandbox used up its CPU time (see CPU_BUDGET). */
  cpuBudget?: boolean;
}

interface Call {
  out: CappedOutput;
  err: CappedOutput;
  onOutput: KernelCallOptions["onOutput"];
  /** The status line's bytes so far, once the marker was seen. */
  status: Uint8Array[] | undefined;
  statusBytes: number;
  statusEnded: boolean;
  statusDone: (status: JobStatus) => void;
  stderrDone: () => void;
  stderrSeen: boolean;
  /** What a listener threw while this call's output was read (see `#readFailed`). */
  failed: { error: unknown } | undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Drives a framed interpreter process — the stateful kernel (KERNEL_SOURCE) or the
 * stateless fork server (FORK_SERVER_SOURCE): one call at a time, each ended by a frame
 * with a fresh nonce, written by a process that user code never runs in (the fork server,
 * the kernel's supervisor); output streams live and is capped per call.
 */
export class Kernel {
  readonly hasVenv: boolean;
  #proc: SandboxProcess;
  #out = new FrameSplitter();
  #err = new FrameSplitter();
  #call: Call | undefined;
  #pumps: Promise<unknown>;
  #readers: ReadableStreamBYOBReader[] = [];
  #exit: SandboxExit | undefined;
  #retired = false;
  /** Whether Python in the sandbox is up: its READY_BYTE has come. */
  #started = false;
  /** Why the worker stopped the process for breaking the protocol, if it did. */
  #failure: string | undefined;
  #drain: Promise<void> | undefined;
  /** Settles once the process has ended and its pipes are drained (one chain, not one per call). */
  #ended: Promise<"died">;

  constructor(proc: SandboxProcess, hasVenv: boolean) {
    this.#proc = proc;
    this.hasVenv = hasVenv;
    proc.status.then((exit) => this.#exit = exit);
    this.#pumps = Promise.all([
      this.#pump(proc.stdout, (chunk) => this.#onStdout(chunk)),
      this.#pump(proc.stderr, (chunk) => this.#onStderr(chunk)),
    ]);
    this.#ended = proc.status.then(() => this.#drained()).then(() => "died" as const);
  }

  /** Whether the process is still running and fit to take another call. */
  get alive(): boolean {
    return !this.#proc.exited && !this.#retired;
  }

  /** How the kernel ended, once it has. */
  get exit(): SandboxExit | undefined {
    return this.#exit;
  }

  /** Runs one job. Callers serialize calls. */
  async call(job: PythonJob, options: KernelCallOptions): Promise<KernelCallResult> {
    const started = performance.now();
    const nonce = crypto.randomUUID().replaceAll("-", "");
    const marker = encoder.encode(`\x00\x1e${nonce}\x1e`);
    let statusDone!: (status: JobStatus) => void;
    let stderrDone!: () => void;
    const status = new Promise<JobStatus>((r) => statusDone = r);
    const stderrEnded = new Promise<void>((r) => stderrDone = r);
    const call: Call = {
      out: new CappedOutput(options.outputLimitBytes),
      err: new CappedOutput(options.outputLimitBytes),
      onOutput: options.onOutput,
      status: undefined,
      statusBytes: 0,
      statusEnded: false,
      statusDone,
      stderrDone,
      stderrSeen: false,
      failed: undefined,
    };
    this.#out.arm(marker);
    this.#err.arm(marker);
    this.#call = call;

    let timedOut = false;
    let cancelled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.#proc.kill();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      this.#proc.kill();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const body = encoder.encode(JSON.stringify({ ...jobPayload(job), stdin: job.stdin }));
      // the nonce after the job, not in it: the fork server reads it once the run is forked
      // (see JOB_FRAMING); header, body and nonce in one write: one pipe operation per call
      const frame = concatBytes([
        encoder.encode(`${body.length}\n`),
        body,
        encoder.encode(`${nonce}\n`),
      ]);
      this.#proc.write(frame).catch(() => {});
      const first = await Promise.race([status, this.#ended]);
      let exitCode: number;
      let signal: string | undefined;
      let startFailed: string | undefined;
      const failure = this.#failure;
      if (failure !== undefined) {
        exitCode = 1;
      } else if (first === "died") {
        exitCode = this.#exit?.exitCode ?? 1;
        signal = this.#exit?.signal;
        if (!this.#started && !timedOut && !cancelled) {
          startFailed = lastLine(call.err.text(), 500) || `the sandbox ended with code ${exitCode}`;
        }
      } else {
        ({ exitCode, signal, startFailed } = first);
        if (first.retire || first.died) this.#retired = true;
        if (!first.diedBefore) options.onEnded?.(); // no job ran: its caller runs it again
        // usually already there: the kernel writes it before the status
        if (!call.stderrSeen) await settlesWithin(stderrEnded, STDERR_GRACE_MS);
      }
      const died = first === "died" || first.died === true;
      if (call.failed) throw call.failed.error;
      return {
        exitCode,
        ...(signal ? { signal } : {}),
        stdout: call.out.text(),
        stderr: call.err.text(),
        truncated: call.out.truncated || call.err.truncated,
        timedOut,
        cancelled: cancelled && !timedOut,
        died,
        durationMs: Math.round(performance.now() - started),
        ...(failure === undefined ? {} : { failure }),
        ...(startFailed === undefined ? {} : { startFailed }),
        ...(first !== "died" && first.diedBefore ? { diedBefore: true as const } : {}),
        ...(first !== "died" && first.setupFailed ? { setupFailed: first.setupFailed } : {}),
        ...(first !== "died" && first.cpuBudget ? { cpuBudgetUsed: true as const } : {}),
      };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      this.#call = undefined;
    }
  }

  /** Stops the kernel and releases its pipes. */
  async dispose(): Promise<void> {
    await this.#proc.dispose();
    await this.#drained();
  }

  /** Waits (once) for both pipes to end; a straggler still holding them is cut off. */
  #drained(): Promise<void> {
    return this.#drain ??= drainWithin(this.#pumps, this.#readers, DRAIN_GRACE_MS);
  }

  #onStdout(chunk: Uint8Array): void {
    if (!this.#started) {
      // Python's first byte says it is up; it is not output
      this.#started = true;
      if (chunk[0] === READY_BYTE) chunk = chunk.subarray(1);
      if (chunk.length === 0) return;
    }
    const call = this.#call;
    if (call?.status) return this.#onStatus(call, chunk);
    const { data, after } = this.#out.push(chunk);
    if (call) this.#emit(call, "stdout", data);
    if (call && after) {
      call.status = [];
      this.#onStatus(call, after);
    }
  }

  #onStatus(call: Call, chunk: Uint8Array): void {
    if (call.statusEnded) return; // what follows a status is not this call's
    const nl = chunk.indexOf(10);
    const piece = nl >= 0 ? chunk.subarray(0, nl) : chunk;
    call.statusBytes += piece.length;
    if (call.statusBytes > MAX_STATUS_BYTES) {
      call.statusEnded = true;
      call.status = [];
      this.#failure =
        `the interpreter was stopped: its end-of-run status was longer than ${MAX_STATUS_BYTES} bytes`;
      this.#retired = true;
      this.#proc.kill(); // the call ends as the process does
      return;
    }
    call.status!.push(piece.slice());
    if (nl < 0) return;
    call.statusEnded = true;
    try {
      const parsed = JSON.parse(decoder.decode(concatBytes(call.status!)));
      const status: JobStatus = { exitCode: Number(parsed.exit_code) || 0 };
      if (typeof parsed.signal === "string") status.signal = parsed.signal;
      if (parsed.retire === true) status.retire = true;
      if (parsed.died === true) status.died = true;
      if (parsed.before === true) status.diedBefore = true;
      if (typeof parsed.setup_failed === "string") {
        status.setupFailed = parsed.setup_failed.slice(0, 500);
      }
      if (parsed.cpu_budget === true) status.cpuBudget = true;
      if (typeof parsed.start_failed === "string") {
        status.startFailed = parsed.start_failed.slice(0, 500);
      }
      call.statusDone(status);
    } catch {
      call.statusDone({ exitCode: 1, retire: true });
    }
  }

  #onStderr(chunk: Uint8Array): void {
    const call = this.#call;
    const { data, after } = this.#err.push(chunk);
    if (!call) return;
    this.#emit(call, "stderr", data);
    if (after) {
      call.stderrSeen = true;
      call.stderrDone();
    }
  }

  #emit(call: Call, stream: "stdout" | "stderr", bytes: Uint8Array): void {
    const text = (stream === "stdout" ? call.out : call.err).push(bytes);
    if (text) call.onOutput?.(stream, text);
  }

  async #pump(stream: BytePipe, onChunk: (c: Uint8Array) => void) {
    // consumers copy what they keep: the buffer is read into again
    const reader = stream.getReader({ mode: "byob" });
    this.#readers.push(reader);
    try {
      await readChunks(reader, onChunk);
      // end of stream: a crash mid-job leaves held-back bytes that are output after all
      const splitter = stream === this.#proc.stdout ? this.#out : this.#err;
      const held = splitter.flush();
      const call = this.#call;
      if (call && held.length > 0 && !call.status) {
        this.#emit(call, stream === this.#proc.stdout ? "stdout" : "stderr", held);
      }
    } catch (error) {
      this.#readFailed(error);
      await reader.cancel().catch(() => {});
    } finally {
      reader.releaseLock();
    }
  }

  /**
   * Handling a chunk threw (a call's `onOutput`, most likely): that pipe is no longer read,
   * so the interpreter is stopped rather than left blocked on it until the timeout, and the
   * call in flight fails with the error instead of returning output that looks whole.
   */
  #readFailed(error: unknown): void {
    const call = this.#call;
    if (call) {
      call.failed ??= { error };
      call.stderrDone(); // no marker will come: the call need not wait for one
    }
    this.#retired = true;
    this.#proc.kill();
  }
}

/** The last non-blank line of `text`, cut to 500 characters. */
