import assert from "node:assert/strict";
import { WorkerConfigSchema } from "../../src/config/mod.ts";
import { WorkerRegistry } from "../../src/registry/mod.ts";
import { createGrpcWorkerClientPool } from "../../src/router/grpc_worker_client.ts";
import { type LifecycleRegistry, startLifecycleServer } from "../../src/rpc/mod.ts";
import { startRemoteWorker } from "../../src/worker/remote/mod.ts";

const TOKEN = "registry-token";

Deno.test("a remote worker registers with the real WorkerRegistry, serves a placed session, and leaves on drain", async () => {
  const root = await Deno.makeTempDir({ prefix: "fleet-registration-" });
  const registry = new WorkerRegistry({ heartbeatTimeoutMs: 60_000 });
  // Compile-time check that the registry satisfies the lifecycle server's interface.
  const lifecycle: LifecycleRegistry = registry;
  const coordinator = await startLifecycleServer({ token: TOKEN, registry: lifecycle });
  const worker = await startRemoteWorker(
    WorkerConfigSchema.parse({
      coordinator: `127.0.0.1:${coordinator.port}`,
      listen: "127.0.0.1:0",
      workerId: "w-real",
      workspaceRoot: root,
      workerToken: TOKEN,
      maxSessions: 3,
      limits: {},
    }),
    { backoff: { initialMs: 10, maxMs: 100 } },
  );
  const pool = createGrpcWorkerClientPool({ token: TOKEN });
  try {
    await worker.registered;
    const info = registry.get("w-real");
    assert.equal(info?.address, worker.address);
    assert.equal(info?.capabilities.maxSessions, 3);

    const placed = registry.reserve("sess-1");
    assert.ok(placed.ok);
    const client = await pool.connect(placed.workerId, placed.address);
    await client.createSession("sess-1");
    const wrote = await client.execute("sess-1", {
      tool: "fs.write",
      args: { path: "hello.txt", contents: "hi" },
    });
    assert.equal(wrote.ok, true, JSON.stringify(wrote));
    const stats = await client.execute("sess-1", { tool: "workspace.stats", args: {} });
    assert.deepEqual(stats.ok && stats.result, { workspace_bytes: 2, file_count: 1 });
    await client.close();

    await worker.drain(5_000);
    assert.equal(registry.get("w-real"), undefined);
    assert.equal(registry.size, 0);
  } finally {
    await pool.close();
    await worker.close();
    await coordinator.close();
    await Deno.remove(root, { recursive: true });
  }
});
