import type { Config } from "../config/mod.ts";
import { createThreadWorkerClient, type WorkerClient } from "../router/mod.ts";
import { spawnWorkerThread } from "../worker/mod.ts";

/**
 * Starts the `--local-workers` embedded workers, each in a Deno Worker thread allowed to
 * write only its part of the workspace root and to run only the sandbox.
 */
export async function createEmbeddedWorkers(config: Config): Promise<WorkerClient[]> {
  const clients: WorkerClient[] = [];
  try {
    for (let i = 1; i <= config.localWorkers; i++) {
      // one worker keeps the root as is; several get a subdirectory each
      const workspaceRoot = config.localWorkers === 1
        ? config.workspaceRoot
        : `${config.workspaceRoot}/embedded-${i}`;
      const thread = await spawnWorkerThread({
        workspaceRoot,
        limits: config.limits,
        insecureNoSandbox: config.insecureNoSandbox,
        pipIndexUrl: config.pipIndexUrl,
        logLevel: config.logLevel,
      });
      clients.push(await createThreadWorkerClient(`embedded-${i}`, thread));
    }
  } catch (err) {
    await Promise.allSettled(clients.map((c) => c.close()));
    throw err;
  }
  return clients;
}
