/**
 * A remote worker removes sessions left unused (a crashed coordinator's), but never one the
 * coordinator still serves while its calls stay in the coordinator (echo, task.status).
 */
import assert from "node:assert/strict";
import { connectMcp, startHttpCoordinator } from "../support/http_coordinator.ts";
import { resultText } from "../support/sdk_client.ts";
import { startWorkerProcess } from "../support/worker_process.ts";

const TOKEN = "keepalive-test-token";

Deno.test("fleet: a session kept alive by calls that never reach its worker keeps its files there", async () => {
  // the worker removes sessions unused for 2 × 2 s + 1 s; heartbeats come about every second
  await using coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: {
      WORKER_TOKEN: TOKEN,
      WORKER_HEARTBEAT_TIMEOUT: "3s",
      SESSION_MAX_AGE: "2s",
      CLEANUP_INTERVAL: "1s",
    },
  });
  await using worker = await startWorkerProcess({
    id: "w-keep",
    coordinator: `127.0.0.1:${coordinator.grpcPort}`,
    workspaceRoot: `${coordinator.dir}/w-keep`,
    env: { WORKER_TOKEN: TOKEN },
  });
  const client = await connectMcp(coordinator.url, "keepalive");
  try {
    const wrote = await client.callTool({
      name: "fs.write",
      arguments: { path: "notes.txt", contents: "kept" },
    });
    assert.equal(wrote.isError, undefined, resultText(wrote));
    // 8 s of calls the coordinator answers itself: well past the worker's idle time
    const until = Date.now() + 8_000;
    for (let i = 0; i < 100 && Date.now() < until; i++) {
      const echo = await client.callTool({ name: "echo", arguments: { message: "still here" } });
      assert.equal(echo.isError, undefined, resultText(echo));
      await new Promise((r) => setTimeout(r, 400));
    }
    const read = await client.callTool({ name: "fs.read", arguments: { path: "notes.txt" } });
    assert.equal(read.isError, undefined, resultText(read));
    assert.equal(resultText(read), "kept");
    assert.doesNotMatch(worker.log(), /Removed session/);
  } finally {
    await client.close();
  }
});
