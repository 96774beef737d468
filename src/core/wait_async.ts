/**
 * `Atomics.waitAsync`, which V8 and Deno have but TypeScript's lib does not yet type: waits
 * for a shared int32 to be notified without blocking the thread's event loop. Resolves at
 * once (`async: false`) when the word no longer holds `value`. A pending wait does not keep
 * the event loop alive.
 */
export const waitAsync: (
  array: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: string } | { async: true; value: Promise<string> } =
  (Atomics as unknown as { waitAsync: typeof waitAsync }).waitAsync;
