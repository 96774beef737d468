import { CodegenError, settlesWithin } from "../../core/mod.ts";
import { CappedOutput } from "./capped_output.ts";
import { readChunks } from "./read_chunks.ts";
import type { SandboxProcess, SandboxResult, SandboxSpec } from "./runner.ts";

/** How long pipes may stay open after the process ended (a straggler holding them). */
export const DRAIN_GRACE_MS = 1_000;

/** What {@link collect} needs from a {@link SandboxSpec}. */
export type CollectOptions =
  & Pick<SandboxSpec, "timeoutMs" | "outputLimitBytes" | "signal" | "onOutput">
  & {
    /** Bytes written to stdin before it is closed. */
    stdin?: Uint8Array;
    /** Sees stderr before anything else does, and takes out what is not output. */
    stderrFilter?: StreamFilter;
  };

/** Passes a stream's bytes on, perhaps holding some back or taking some out. */
export interface StreamFilter {
  /** What of `chunk` (and of bytes held back before) is output now. */
  push(chunk: Uint8Array): Uint8Array;
  /** The stream ended: what is still held back. */
  end(): Uint8Array;
}

const encoder = new TextEncoder();

/** Encodes a spec's stdin for {@link collect}. */
export function stdinBytes(stdin: string | undefined): Uint8Array | undefined {
  return stdin === undefined ? undefined : encoder.encode(stdin);
}

/**
 * Drives a started process to its end: feeds stdin, drains both pipes (capped, never
 * blocking the child; `onOutput` sees all of it, so a listener keeping the tail gets the
 * real end of long output), enforces the wall-clock timeout and cancellation by killing
 * the whole tree, and reports what happened.
 */
export async function collect(
  proc: SandboxProcess,
  options: CollectOptions,
): Promise<SandboxResult> {
  const started = performance.now();
  // the readers first: nothing is armed yet if the pipes cannot be read
  const readers = await byobReaders(proc);
  let timedOut = false;
  let cancelled = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    proc.kill();
  };
  const signal = options.signal;
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  const { outputLimitBytes, onOutput } = options;
  const capped = (stream: "stdout" | "stderr") =>
    new CappedOutput(outputLimitBytes, onOutput && ((text) => onOutput(stream, text)));
  const out = capped("stdout");
  const err = capped("stderr");
  // A listener that throws fails the run with its error. The pipe it was fed from is no
  // longer read, so the process is stopped: left alone it would block on that pipe until
  // the timeout, and its result would look whole.
  let failed: { error: unknown } | undefined;
  const pump = (reader: ReadableStreamBYOBReader, sink: CappedOutput, filter?: StreamFilter) =>
    readChunks(reader, (chunk) => sink.push(filter ? filter.push(chunk) : chunk)).catch(
      async (error) => {
        failed ??= { error };
        proc.kill();
        await reader.cancel().catch(() => {});
      },
    );
  const filter = options.stderrFilter;
  const pumps = Promise.all([pump(readers[0], out), pump(readers[1], err, filter)]);
  const feeding = feed(proc, options.stdin);
  try {
    const exit = await proc.status;
    await drainWithin(pumps, readers, DRAIN_GRACE_MS);
    await feeding;
    if (failed) throw failed.error;
    if (filter) err.push(filter.end());
    return {
      exitCode: exit.exitCode,
      ...(exit.signal ? { signal: exit.signal } : {}),
      stdout: out.text(),
      stderr: err.text(),
      timedOut,
      cancelled: cancelled && !timedOut,
      truncated: out.truncated || err.truncated,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    for (const r of readers) r.releaseLock();
  }
}

/**
 * BYOB readers on both pipes. A pipe that refuses one (not a byte stream, or already
 * locked) fails the run before it is driven: the process is disposed, not left running
 * without a timeout, and a reader already taken is released.
 */
async function byobReaders(
  proc: SandboxProcess,
): Promise<readonly [ReadableStreamBYOBReader, ReadableStreamBYOBReader]> {
  let stdout: ReadableStreamBYOBReader | undefined;
  try {
    stdout = proc.stdout.getReader({ mode: "byob" });
    return [stdout, proc.stderr.getReader({ mode: "byob" })];
  } catch (cause) {
    stdout?.releaseLock();
    await proc.dispose();
    throw new CodegenError(
      "INTERNAL",
      "Cannot read the process's output: its pipes are not unlocked byte streams",
      { cause },
    );
  }
}

async function feed(proc: SandboxProcess, stdin: Uint8Array | undefined): Promise<void> {
  try {
    if (stdin && stdin.length > 0) await proc.write(stdin);
  } catch {
    // the child exited or closed stdin early: its choice
  }
  await proc.closeStdin();
}

/**
 * Waits up to `ms` for `pumps` (the readers' loops) to see both pipes end; past that a
 * straggler still holds them, so the readers are cancelled and the pumps awaited.
 */
export async function drainWithin(
  pumps: Promise<unknown>,
  readers: readonly { cancel(): Promise<void> }[],
  ms: number,
): Promise<void> {
  if (!(await settlesWithin(pumps, ms))) {
    await Promise.all(readers.map((r) => r.cancel().catch(() => {})));
  }
  await pumps;
}
