/**
 * Our coordinator with no embedded worker and one `codegen-mcp worker` process serving it
 * over gRPC on 127.0.0.1, both from the same checkout, as one {@link BenchServer}.
 * @module
 */
import { freePort } from "../tests/support/free_port.ts";
import { startWorkerProcess } from "../tests/support/worker_process.ts";
import { type BenchServer, processCpuMs, startCoordinator } from "./_servers.ts";

const TOKEN = "bench-token";

/**
 * Starts the pair; CPU time counts both processes, since the work of a call is split
 * between them. Closing stops both.
 */
export async function startRemoteCoordinator(
  options: { projectDir?: string } = {},
): Promise<BenchServer> {
  const grpcPort = freePort();
  const coordinator = await startCoordinator({
    args: ["--local-workers", "0", "--grpc-port", String(grpcPort)],
    env: { WORKER_TOKEN: TOKEN },
    ...(options.projectDir ? { projectDir: options.projectDir } : {}),
  });
  let worker;
  try {
    worker = await startWorkerProcess({
      id: "bench-worker",
      coordinator: `127.0.0.1:${grpcPort}`,
      workspaceRoot: `${coordinator.dir}/worker`,
      env: { WORKER_TOKEN: TOKEN },
      ...(options.projectDir ? { projectDir: options.projectDir } : {}),
    });
  } catch (err) {
    await coordinator.close();
    throw err;
  }
  const pid = worker.process.pid;
  // the worker first: it deregisters from the live coordinator and leaves its dir to it
  const close = async () => {
    await worker.stop("SIGTERM");
    await coordinator.close();
  };
  return {
    ...coordinator,
    async cpuMs() {
      const [ours, remote] = [await coordinator.cpuMs(), await processCpuMs(pid)];
      return ours === undefined || remote === undefined ? undefined : ours + remote;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
