import type { Config } from "../config/mod.ts";
import { EmbeddedWorkerClient, type WorkerClient } from "../router/mod.ts";
import { WorkerExecutor } from "../worker/mod.ts";

/** Builds the `--local-workers` embedded workers, each with its own part of the workspace root. */
export function createEmbeddedWorkers(config: Config): WorkerClient[] {
  const clients: WorkerClient[] = [];
  for (let i = 1; i <= config.localWorkers; i++) {
    const executor = new WorkerExecutor({
      // one worker keeps the root as is; several get a subdirectory each
      workspaceRoot: config.localWorkers === 1
        ? config.workspaceRoot
        : `${config.workspaceRoot}/embedded-${i}`,
      limits: config.limits,
      insecureNoSandbox: config.insecureNoSandbox,
      pipIndexUrl: config.pipIndexUrl,
    });
    clients.push(new EmbeddedWorkerClient(`embedded-${i}`, executor));
  }
  return clients;
}
