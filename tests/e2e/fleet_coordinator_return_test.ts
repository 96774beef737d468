// A coordinator that was down when a worker's heartbeat came due, and is back on the same
// gRPC port: the worker registers again within seconds, not a whole heartbeat interval later.
import assert from "node:assert/strict";
import { freePort } from "../support/free_port.ts";
import { connectMcp, startHttpCoordinator } from "../support/http_coordinator.ts";
import type { CallToolResult } from "../support/sdk_client.ts";
import { startWorkerProcess } from "../support/worker_process.ts";

const TOKEN = "return-test-token";
// a 30 s timeout makes the heartbeat interval 10 s
const ENV = { WORKER_TOKEN: TOKEN, WORKER_HEARTBEAT_TIMEOUT: "30s" };
const INTERVAL_MS = 10_000;

/** Polls `ready` every 20 ms for at most `ms`; returns whether it held. */
async function waitUntil(ready: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return ready();
}

Deno.test("fleet: a coordinator back on its gRPC port after a missed heartbeat has the worker again within seconds", async () => {
  const grpcPort = freePort();
  const args = ["--local-workers", "0", "--grpc-port", String(grpcPort)];
  const disk = await Deno.makeTempDir({ prefix: "codegen-return-" });
  try {
    const first = await startHttpCoordinator({ args, env: ENV });
    await using worker = await startWorkerProcess({
      id: "w-return",
      coordinator: `127.0.0.1:${grpcPort}`,
      workspaceRoot: disk,
      env: { WORKER_TOKEN: TOKEN },
    });
    first.process.kill("SIGKILL");
    await first.close();
    const missed = await waitUntil(
      () => /Heartbeat failed/.test(worker.log()),
      INTERVAL_MS + 10_000,
    );
    assert.ok(missed, worker.log());

    await using second = await startHttpCoordinator({ args, env: ENV });
    const back = performance.now();
    const registered = await waitUntil(
      () => /Worker \\?"?w-return\\?"? registered/.test(second.log()),
      INTERVAL_MS + 10_000,
    );
    const tookMs = performance.now() - back;
    assert.ok(registered, second.log());
    // before, the worker waited out its whole interval after the missed heartbeat
    assert.ok(
      tookMs < INTERVAL_MS / 3,
      `registered again ${Math.round(tookMs)} ms after the restart`,
    );

    const client = await connectMcp(second.url, "return");
    try {
      const r = await client.callTool({
        name: "fs.write",
        arguments: { path: "a.txt", contents: "x" },
      });
      assert.equal(r.isError, undefined, JSON.stringify((r as CallToolResult).content));
    } finally {
      await client.close();
    }
  } finally {
    await Deno.remove(disk, { recursive: true }).catch(() => {});
  }
});
