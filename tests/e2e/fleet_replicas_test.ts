// Two coordinators sharing one Redis, each with its own worker, as replicas behind one
// Service: what one does must not end or break the sessions the other serves.
import assert from "node:assert/strict";
import {
  connectMcp,
  type HttpCoordinator,
  startHttpCoordinator,
} from "../support/http_coordinator.ts";
import { ignoreWithoutRedis, startRedisServer } from "../support/redis_server.ts";
import { skipWithout } from "../support/requirements.ts";
import { resultText } from "../support/sdk_client.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker_process.ts";

const TOKEN = "replicas-test-token";

function startWorker(id: string, coordinator: HttpCoordinator): Promise<WorkerProcess> {
  return startWorkerProcess({
    id,
    coordinator: `127.0.0.1:${coordinator.grpcPort}`,
    workspaceRoot: `${coordinator.dir}/${id}`,
    env: { WORKER_TOKEN: TOKEN },
  });
}

Deno.test({
  name: "replicas: a coordinator never expires a session another one is running a call on",
  ignore: ignoreWithoutRedis() || skipWithout("bwrap"),
  async fn() {
    await using redis = await startRedisServer();
    // both sweep every second; the call below outlasts SESSION_MAX_AGE twice over
    const env = {
      WORKER_TOKEN: TOKEN,
      REDIS_URL: redis.url,
      SESSION_MAX_AGE: "2s",
      CLEANUP_INTERVAL: "1s",
    };
    const args = ["--local-workers", "0"];
    await using a = await startHttpCoordinator({ args, env });
    await using b = await startHttpCoordinator({ args, env });
    await using _w1 = await startWorker("w1", a);
    await using _w2 = await startWorker("w2", b);
    const client = await connectMcp(a.url, "replicas");
    try {
      const write = await client.callTool({
        name: "fs.write",
        arguments: { path: "notes.txt", contents: "kept" },
      });
      assert.equal(write.isError, undefined, resultText(write));
      const run = await client.callTool(
        {
          name: "run.python",
          arguments: { code: "import time; time.sleep(5); print('slept')" },
        },
        undefined,
        { timeout: 60_000 },
      );
      assert.equal(run.isError, undefined, resultText(run));

      const read = await client.callTool({ name: "fs.read", arguments: { path: "notes.txt" } });
      assert.equal(resultText(read), "kept", `a.log:\n${a.log()}\nb.log:\n${b.log()}`);
      assert.doesNotMatch(b.log(), /Session [^\n]* ended/);
    } finally {
      await client.close();
    }
  },
});
