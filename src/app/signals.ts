/** Calls `handler` on SIGINT or SIGTERM; `dispose` removes the listeners. */
export function onShutdownSignal(handler: () => void): { dispose(): void } {
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, handler);
  return { dispose: () => signals.forEach((s) => Deno.removeSignalListener(s, handler)) };
}

/**
 * Makes a write past the process's file-size limit (RLIMIT_FSIZE) fail with an error instead
 * of ending the process: SIGXFSZ's default action would take every session down for one
 * audit record or workspace file, where an error is refused or reported like a full disk.
 */
export function survivePastFileSizeLimit(): void {
  Deno.addSignalListener("SIGXFSZ", () => {});
}
