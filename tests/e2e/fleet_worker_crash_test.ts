import assert from "node:assert/strict";
import { createGrpcWorkerClientPool } from "../../src/router/grpc_worker_client.ts";
import type { TaskEvent } from "../../src/rpc/mod.ts";

const SCRIPT = new URL("./fleet_worker_process.ts", import.meta.url).pathname;
const TOKEN = "crash-token";

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    await reader.cancel();
  }
  return text.split("\n")[0]!;
}

Deno.test("a worker process killed mid-task yields a retriable WORKER_UNAVAILABLE within 2 s", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", SCRIPT, TOKEN],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const pool = createGrpcWorkerClientPool({ token: TOKEN });
  let killed = false;
  try {
    const { address } = JSON.parse(await firstLine(child.stdout)) as { address: string };
    const client = await pool.connect("crash-test", address);
    const started = Promise.withResolvers<TaskEvent>();
    const running = client.execute("s1", { tool: "workspace.stats", args: {} }, {
      onEvent: started.resolve,
    });
    await started.promise;
    const t0 = performance.now();
    child.kill("SIGKILL");
    killed = true;
    const outcome = await running;
    const elapsed = performance.now() - t0;
    assert.deepEqual(outcome.ok ? "ok" : [outcome.error.code, outcome.error.retriable], [
      "WORKER_UNAVAILABLE",
      true,
    ]);
    assert.ok(elapsed < 2_000, `took ${elapsed.toFixed(0)} ms`);
    // The pooled client keeps answering (with the same error) instead of hanging.
    const again = await client.execute("s1", { tool: "workspace.stats", args: {} });
    assert.equal(again.ok ? "ok" : again.error.code, "WORKER_UNAVAILABLE");
    await client.close();
  } finally {
    if (!killed) child.kill("SIGKILL");
    await child.status;
    await pool.close();
  }
});
