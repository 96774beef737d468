/**
 * `echo` through our coordinator versus `echo` in the reference everything server: the
 * cost of one MCP round trip over stdio with nothing behind it.
 * @module
 */
import { compareOn, type CompareOptions, type Comparison, type Operation } from "./_compare.ts";
import { startCoordinator, startReference } from "./_servers.ts";

const MESSAGE = "hello from the benchmark";

/** Runs the echo comparison with both servers up, timed in alternating rounds. */
export async function runEchoBench(options: CompareOptions = {}): Promise<Comparison> {
  const op: Operation = async (server) => {
    await server.call("echo", { message: MESSAGE });
  };
  await using ours = await startCoordinator();
  await using reference = await startReference("everything");
  return {
    name: "echo",
    ours: "echo",
    reference: "server-everything echo",
    target: 1.0,
    modes: await compareOn({ server: ours, op }, { server: reference, op }, options),
  };
}
