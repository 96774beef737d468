import type { WorkerConfig } from "../config/mod.ts";
import { getLogger } from "../core/mod.ts";
import { startRemoteWorker } from "../worker/remote/mod.ts";
import { onShutdownSignal } from "./signals.ts";

const log = getLogger("app", "worker");

/**
 * `codegen-mcp worker`: serves WorkerService, stays registered, and on SIGTERM/SIGINT
 * drains (finishes or cancels in-flight tasks within the grace period), deregisters and
 * exits 0.
 */
export async function runWorker(config: WorkerConfig): Promise<number> {
  const worker = await startRemoteWorker(config);
  log.info("Worker {workerId} listening on {address}, advertised as {advertised}", {
    workerId: config.workerId,
    address: worker.address,
    advertised: worker.advertised,
  });
  const stop = Promise.withResolvers<void>();
  const signals = onShutdownSignal(() => stop.resolve());
  try {
    await stop.promise;
    log.info("Draining worker {workerId} (grace {graceMs} ms)", {
      workerId: config.workerId,
      graceMs: config.drainGraceMs,
    });
    await worker.drain(config.drainGraceMs);
  } finally {
    signals.dispose();
  }
  log.info("Worker {workerId} stopped", { workerId: config.workerId });
  return 0;
}
