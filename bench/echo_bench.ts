/**
 * `echo` through our coordinator versus `echo` in the reference everything server: the
 * cost of one MCP round trip over stdio with nothing behind it.
 * @module
 */
import {
  type CompareOptions,
  type Comparison,
  loadOf,
  measureServer,
  type Operation,
  pairModes,
} from "./_compare.ts";
import { startCoordinator, startReference } from "./_servers.ts";

const MESSAGE = "hello from the benchmark";

/** Runs the echo comparison: ours first, then the reference, never both at once. */
export async function runEchoBench(options: CompareOptions = {}): Promise<Comparison> {
  const op: Operation = async (server) => {
    await server.call("echo", { message: MESSAGE });
  };
  let ours;
  {
    await using server = await startCoordinator();
    ours = await measureServer(server, op, options);
  }
  let reference;
  {
    await using server = await startReference("everything");
    reference = await measureServer(server, op, options);
  }
  return {
    name: "echo",
    ours: "echo",
    reference: "server-everything echo",
    target: 1.0,
    modes: pairModes(ours, reference, loadOf(options).concurrency),
  };
}
