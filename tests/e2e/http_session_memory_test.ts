import assert from "node:assert/strict";

const SCRIPT = new URL("../testdata/idle_sessions_heap.ts", import.meta.url).pathname;
const SESSIONS = 100;
/**
 * Most heap 100 idle sessions may hold. They hold about 1.8 MB (18 KiB each); when every
 * connection built its own tools they held 37 MB, and its own JSON Schema validator 1.7 MB.
 */
const BOUND = 6 * 1024 * 1024;

Deno.test(`${SESSIONS} idle Streamable HTTP sessions hold under ${BOUND} bytes of coordinator heap`, async () => {
  // a child of its own, for its GC: the heap is read in-process after a full collection
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-P=coordinator",
      "--ignore-env",
      "--quiet",
      "--v8-flags=--expose-gc",
      SCRIPT,
      String(SESSIONS),
    ],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const measured = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    sessions: number;
    heapBytes: number;
  };
  assert.equal(measured.sessions, SESSIONS, "every session stayed open while measured");
  assert.ok(
    measured.heapBytes < BOUND,
    `${SESSIONS} idle sessions hold ${measured.heapBytes} bytes of heap (bound ${BOUND})`,
  );
});
