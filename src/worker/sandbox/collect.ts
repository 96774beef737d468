import { settlesWithin } from "../../core/mod.ts";
import { CappedOutput } from "./capped_output.ts";
import type { SandboxProcess, SandboxResult, SandboxSpec } from "./runner.ts";

/** How long pipes may stay open after the process ended (a straggler holding them). */
export const DRAIN_GRACE_MS = 1_000;

/** What {@link collect} needs from a {@link SandboxSpec}. */
export type CollectOptions =
  & Pick<SandboxSpec, "timeoutMs" | "outputLimitBytes" | "signal" | "onOutput">
  & {
    /** Bytes written to stdin before it is closed. */
    stdin?: Uint8Array;
  };

const encoder = new TextEncoder();

/** Encodes a spec's stdin for {@link collect}. */
export function stdinBytes(stdin: string | undefined): Uint8Array | undefined {
  return stdin === undefined ? undefined : encoder.encode(stdin);
}

/**
 * Drives a started process to its end: feeds stdin, drains both pipes (capped, never
 * blocking the child), enforces the wall-clock timeout and cancellation by killing the
 * whole tree, and reports what happened.
 */
export async function collect(
  proc: SandboxProcess,
  options: CollectOptions,
): Promise<SandboxResult> {
  const started = performance.now();
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

  const out = new CappedOutput(options.outputLimitBytes);
  const err = new CappedOutput(options.outputLimitBytes);
  const readers = [proc.stdout.getReader(), proc.stderr.getReader()] as const;
  const pumps = Promise.all([
    pump(readers[0], out, (t) => options.onOutput?.("stdout", t)),
    pump(readers[1], err, (t) => options.onOutput?.("stderr", t)),
  ]);
  const feeding = feed(proc, options.stdin);
  try {
    const exit = await proc.status;
    await drainWithin(pumps, readers, DRAIN_GRACE_MS);
    await feeding;
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

async function feed(proc: SandboxProcess, stdin: Uint8Array | undefined): Promise<void> {
  try {
    if (stdin && stdin.length > 0) await proc.write(stdin);
  } catch {
    // the child exited or closed stdin early: its choice
  }
  await proc.closeStdin();
}

/**
 * Reads a pipe to its end: `sink` keeps what fits under the cap, while `onText` sees all of
 * it (so a listener keeping the tail gets the real end of long output, not just the start).
 */
async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  sink: CappedOutput,
  onText: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      sink.push(value);
      const text = decoder.decode(value, { stream: true });
      if (text) onText(text);
    }
  } catch {
    // cancelled after the grace period
  }
  const rest = decoder.decode();
  if (rest) onText(rest);
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
