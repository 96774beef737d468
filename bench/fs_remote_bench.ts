/**
 * Reading a small file through a remote worker (coordinator with no embedded worker, one
 * `codegen-mcp worker` process over gRPC) versus the reference filesystem server.
 * @module
 */
import { compareOn, type CompareOptions, type Comparison, type Operation } from "./_compare.ts";
import { startRemoteCoordinator } from "./_remote.ts";
import { startReference } from "./_servers.ts";

/** Runs the remote read comparison; CPU/call counts the coordinator and the worker process. */
export async function runRemoteFsBench(options: CompareOptions = {}): Promise<Comparison> {
  const contents = "x".repeat(1023) + "\n";
  await using ours = await startRemoteCoordinator();
  await using reference = await startReference("filesystem");
  await ours.call("fs.write", { path: "read.txt", contents });
  await reference.call("write_file", { path: `${reference.dir}/read.txt`, content: contents });
  const ourRead: Operation = async (s) => void await s.call("fs.read", { path: "read.txt" });
  const refRead: Operation = async (s) =>
    void await s.call("read_text_file", { path: `${s.dir}/read.txt` });
  return {
    name: "read 1 KiB via remote worker",
    ours: "fs.read (gRPC worker; CPU: both processes)",
    reference: "server-filesystem read_text_file",
    target: 0.7,
    modes: await compareOn(
      { server: ours, op: ourRead },
      { server: reference, op: refRead },
      options,
    ),
  };
}
