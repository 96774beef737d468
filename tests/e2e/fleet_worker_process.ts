// A remote worker in its own process for the fleet tests: serves WorkerService with
// tasks that run until cancelled, prints its address as one JSON line, and runs until
// killed. Usage: deno run --allow-net --allow-env --allow-read fleet_worker_process.ts TOKEN
import { WorkerConfigSchema } from "../../src/config/mod.ts";
import { startRemoteWorker } from "../../src/worker/remote/mod.ts";
import { GatedExecutor } from "../../src/worker/remote/_testing.ts";

const config = WorkerConfigSchema.parse({
  coordinator: "127.0.0.1:1",
  listen: "127.0.0.1:0",
  workerId: "crash-test",
  workspaceRoot: "/nonexistent-unused",
  workerToken: Deno.args[0],
  limits: {},
});
const worker = await startRemoteWorker(config, { executor: new GatedExecutor(), register: false });
await Deno.stdout.write(
  new TextEncoder().encode(JSON.stringify({ address: worker.address }) + "\n"),
);
