/** Calls `handler` on SIGINT or SIGTERM; `dispose` removes the listeners. */
export function onShutdownSignal(handler: () => void): { dispose(): void } {
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, handler);
  return { dispose: () => signals.forEach((s) => Deno.removeSignalListener(s, handler)) };
}
