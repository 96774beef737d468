import assert from "node:assert/strict";
import { createGrpcWorkerClientPool } from "../router/mod.ts";
import { probeWorker } from "./worker_probe.ts";

Deno.test({
  name: "probeWorker() refuses an address outside the network permission without dialling it",
  permissions: { net: ["127.0.0.1"] },
  async fn() {
    const pool = createGrpcWorkerClientPool();
    try {
      const probe = await probeWorker(pool, "w1", "192.0.2.1:50051", { timeoutMs: 1_000 });
      assert.equal(probe.ok, false);
      assert.equal(!probe.ok && probe.unauthenticated, false);
      assert.match(
        !probe.ok ? probe.reason : "",
        /^the coordinator may not dial the advertised address "192\.0\.2\.1:50051": its network permission does not cover that host .*set --advertise \(WORKER_ADVERTISE\)/,
      );
      assert.equal(pool.size, 0, "no channel was opened");
    } finally {
      await pool.close();
    }
  },
});

Deno.test("probeWorker() says a worker cannot be reached at its advertised address, and why", async () => {
  // a port that was free a moment ago: nothing listens there
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  const pool = createGrpcWorkerClientPool();
  try {
    const probe = await probeWorker(pool, "w1", `127.0.0.1:${port}`, { timeoutMs: 5_000 });
    assert.equal(probe.ok, false);
    assert.match(
      !probe.ok ? probe.reason : "",
      new RegExp(
        `^the coordinator cannot reach this worker at its advertised address "127\\.0\\.0\\.1:${port}" \\(.*ECONNREFUSED.*\\); set --advertise`,
      ),
    );
    assert.equal(pool.size, 0, "the failed channel is released");
  } finally {
    await pool.close();
  }
});
