import { WorkerConfigSchema } from "../config/mod.ts";
import { WorkerExecutor } from "../worker/mod.ts";
import { startRemoteWorker } from "../worker/remote/mod.ts";
import { EmbeddedWorkerClient } from "./embedded_worker_client.ts";
import { createGrpcWorkerClientPool } from "./grpc_worker_client.ts";
import { runWorkerClientContract } from "./worker_client_contract.ts";

async function tempRoot(): Promise<{ root: string; remove(): Promise<void> }> {
  const root = await Deno.makeTempDir({ prefix: "contract-" });
  return { root, remove: () => Deno.remove(root, { recursive: true }) };
}

function workerConfig(root: string) {
  return WorkerConfigSchema.parse({
    coordinator: "127.0.0.1:1",
    listen: "127.0.0.1:0",
    workerId: "w1",
    workspaceRoot: root,
    workerToken: "contract-token",
    limits: {},
  });
}

runWorkerClientContract("EmbeddedWorkerClient", async () => {
  const dir = await tempRoot();
  const config = workerConfig(dir.root);
  const executor = new WorkerExecutor({
    workspaceRoot: dir.root,
    limits: config.limits,
    insecureNoSandbox: false,
  });
  const client = new EmbeddedWorkerClient("embedded-1", executor);
  return {
    client,
    async close() {
      await client.close();
      await dir.remove();
    },
  };
});

// both ways the gRPC client can send tasks: the shared RunTasks stream and one ExecuteTask each
for (const taskStream of [true, false]) {
  const name = taskStream ? "GrpcWorkerClient" : "GrpcWorkerClient (ExecuteTask calls)";
  runWorkerClientContract(name, async () => {
    const dir = await tempRoot();
    const worker = await startRemoteWorker(workerConfig(dir.root), { register: false });
    const pool = createGrpcWorkerClientPool({ token: "contract-token", taskStream });
    const client = await pool.connect("w1", worker.address);
    return {
      client,
      async close() {
        await client.close();
        await pool.close();
        await worker.close();
        await dir.remove();
      },
    };
  });
}
