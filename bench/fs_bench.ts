/**
 * Reading and writing a small file through our coordinator (embedded worker) versus the
 * reference filesystem server's `read_text_file` and `write_file`.
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
import { type BenchServer, startCoordinator, startReference } from "./_servers.ts";

const FILE_BYTES = 1024;
/** Writes rotate over this many files so calls in flight do not all race on one path. */
const WRITE_FILES = 16;

/** Runs the read and write comparisons: ours first, then the reference. */
export async function runFsBench(options: CompareOptions = {}): Promise<Comparison[]> {
  const contents = "x".repeat(FILE_BYTES - 1) + "\n";
  const ours = await both(startCoordinator, {
    seed: (s) => s.call("fs.write", { path: "read.txt", contents }),
    read: (s) => s.call("fs.read", { path: "read.txt" }),
    write: (s, i) => s.call("fs.write", { path: `w/${i % WRITE_FILES}.txt`, contents }),
  }, options);
  const reference = await both(() => startReference("filesystem"), {
    seed: (s) => s.call("write_file", { path: `${s.dir}/read.txt`, content: contents }),
    read: (s) => s.call("read_text_file", { path: `${s.dir}/read.txt` }),
    write: (s, i) =>
      s.call("write_file", { path: `${s.dir}/w/${i % WRITE_FILES}.txt`, content: contents }),
  }, options);
  const concurrency = loadOf(options).concurrency;
  return [
    {
      name: "read 1 KiB",
      ours: "fs.read",
      reference: "server-filesystem read_text_file",
      target: 1.5,
      modes: pairModes(ours.read, reference.read, concurrency),
    },
    {
      name: "write 1 KiB",
      ours: "fs.write",
      reference: "server-filesystem write_file",
      target: 1.5,
      modes: pairModes(ours.write, reference.write, concurrency),
    },
  ];
}

type Call = (server: BenchServer, i: number) => Promise<unknown>;

/** One server: seed the file to read, then time reads and writes on the same instance. */
async function both(
  start: () => Promise<BenchServer>,
  calls: { seed: Call; read: Call; write: Call },
  options: CompareOptions,
) {
  await using server = await start();
  // The reference server does not create parent directories; ours does on its own.
  await Deno.mkdir(`${server.dir}/w`, { recursive: true });
  // Seed through the server itself: our workspace lives where the coordinator puts it.
  await calls.seed(server, 0);
  const read: Operation = async (s, i) => void (await calls.read(s, i));
  const write: Operation = async (s, i) => void (await calls.write(s, i));
  return {
    read: await measureServer(server, read, options),
    write: await measureServer(server, write, options),
  };
}
