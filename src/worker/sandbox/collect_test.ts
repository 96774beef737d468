import assert from "node:assert/strict";
import { collect } from "./collect.ts";
import type { SandboxExit, SandboxProcess } from "./runner.ts";

/** A finished process whose pipes hold the given bytes, split into small chunks. */
function fakeProcess(stdout: Uint8Array, stderr: Uint8Array): SandboxProcess {
  const stream = (bytes: Uint8Array) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });
  const status: Promise<SandboxExit> = Promise.resolve({ exitCode: 0 });
  return {
    pid: 1,
    stdout: stream(stdout),
    stderr: stream(stderr),
    exited: true,
    status,
    write: () => Promise.resolve(),
    closeStdin: () => Promise.resolve(),
    kill() {},
    dispose: () => Promise.resolve(),
  };
}

Deno.test("collect() passes onOutput all output, including what outputLimitBytes drops", async () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} é\n`).join("");
  const bytes = new TextEncoder().encode(lines);
  const seen = { stdout: "", stderr: "" };
  const result = await collect(fakeProcess(bytes, new TextEncoder().encode("warn\n")), {
    timeoutMs: 10_000,
    outputLimitBytes: 20_000,
    onOutput: (stream, text) => {
      seen[stream] += text;
    },
  });
  // the result stays capped...
  assert.equal(result.truncated, true);
  assert.ok(result.stdout.startsWith("line 0 é\n"));
  assert.ok(result.stdout.length <= 20_000);
  // ...while the listener saw everything, multi-byte characters intact across chunks
  assert.equal(seen.stdout, lines);
  assert.ok(seen.stdout.endsWith("line 2999 é\n"));
  assert.equal(seen.stderr, "warn\n");
});
