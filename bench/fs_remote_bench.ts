/**
 * Reading a small file through a remote worker (coordinator with no embedded worker, one
 * `codegen-mcp worker` process over gRPC) versus the reference filesystem server.
 * @module
 */
import { startWorkerProcess } from "../tests/support/worker_process.ts";
import { compareOn, type CompareOptions, type Comparison, type Operation } from "./_compare.ts";
import { type BenchServer, processCpuMs, startCoordinator, startReference } from "./_servers.ts";

const TOKEN = "bench-token";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Runs the remote read comparison; CPU/call counts the coordinator and the worker process. */
export async function runRemoteFsBench(options: CompareOptions = {}): Promise<Comparison> {
  const contents = "x".repeat(1023) + "\n";
  const grpcPort = freePort();
  await using ours = await startCoordinator({
    args: ["--local-workers", "0", "--grpc-port", String(grpcPort)],
    env: { WORKER_TOKEN: TOKEN },
  });
  await using worker = await startWorkerProcess({
    id: "bench-worker",
    coordinator: `127.0.0.1:${grpcPort}`,
    workspaceRoot: `${ours.dir}/worker`,
    env: { WORKER_TOKEN: TOKEN },
  });
  await using reference = await startReference("filesystem");
  await ours.call("fs.write", { path: "read.txt", contents });
  await reference.call("write_file", { path: `${reference.dir}/read.txt`, content: contents });
  // the work is split across two processes: count both against the reference's one
  const both: BenchServer = {
    ...ours,
    cpuMs: async () => {
      const [coordinator, remote] = [await ours.cpuMs(), await processCpuMs(worker.process.pid)];
      return coordinator === undefined || remote === undefined ? undefined : coordinator + remote;
    },
  };
  const ourRead: Operation = async (s) => void await s.call("fs.read", { path: "read.txt" });
  const refRead: Operation = async (s) =>
    void await s.call("read_text_file", { path: `${s.dir}/read.txt` });
  return {
    name: "read 1 KiB via remote worker",
    ours: "fs.read (gRPC worker; CPU: both processes)",
    reference: "server-filesystem read_text_file",
    target: 0.7,
    modes: await compareOn(
      { server: both, op: ourRead },
      { server: reference, op: refRead },
      options,
    ),
  };
}
