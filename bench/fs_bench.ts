/**
 * Reading and writing a small file through our coordinator (embedded worker) versus the
 * reference filesystem server's `read_text_file` and `write_file`.
 * @module
 */
import { compareOn, type CompareOptions, type Comparison, type Operation } from "./_compare.ts";
import { startCoordinator, startReference } from "./_servers.ts";

const FILE_BYTES = 1024;
/** Writes rotate over this many files so calls in flight do not all race on one path. */
const WRITE_FILES = 16;

/** Runs the read and write comparisons with both servers up, timed in alternating rounds. */
export async function runFsBench(options: CompareOptions = {}): Promise<Comparison[]> {
  const contents = "x".repeat(FILE_BYTES - 1) + "\n";
  await using ours = await startCoordinator();
  await using reference = await startReference("filesystem");
  // Seed through each server: our workspace lives wherever the coordinator puts it.
  await ours.call("fs.write", { path: "read.txt", contents });
  await reference.call("write_file", { path: `${reference.dir}/read.txt`, content: contents });
  // The reference server does not create parent directories; ours does on its own.
  await Deno.mkdir(`${reference.dir}/w`);

  const ourRead: Operation = async (s) => void await s.call("fs.read", { path: "read.txt" });
  const refRead: Operation = async (s) =>
    void await s.call("read_text_file", { path: `${s.dir}/read.txt` });
  const ourWrite: Operation = async (s, i) =>
    void await s.call("fs.write", { path: `w/${i % WRITE_FILES}.txt`, contents });
  const refWrite: Operation = async (s, i) =>
    void await s.call("write_file", {
      path: `${s.dir}/w/${i % WRITE_FILES}.txt`,
      content: contents,
    });
  return [
    {
      name: "read 1 KiB",
      ours: "fs.read",
      reference: "server-filesystem read_text_file",
      target: 1.5,
      modes: await compareOn(
        { server: ours, op: ourRead },
        { server: reference, op: refRead },
        options,
      ),
    },
    {
      name: "write 1 KiB",
      ours: "fs.write",
      reference: "server-filesystem write_file",
      target: 1.5,
      modes: await compareOn(
        { server: ours, op: ourWrite },
        { server: reference, op: refWrite },
        options,
      ),
    },
  ];
}
