import assert from "node:assert/strict";
import net from "node:net";
import { socketSource } from "./stdin_source.ts";

/** A connected pair of sockets on 127.0.0.1: what one writes, the other reads. */
async function socketPair(): Promise<{ writer: net.Socket; reader: net.Socket } & Disposable> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
  const reader = net.connect(port, "127.0.0.1");
  await new Promise<void>((r) => reader.once("connect", () => r()));
  const writer = await accepted;
  server.close();
  return {
    writer,
    reader,
    [Symbol.dispose]() {
      writer.destroy();
      reader.destroy();
    },
  };
}

async function readAll(next: () => Promise<Uint8Array | null>): Promise<number> {
  let total = 0;
  for (let chunk = await next(); chunk !== null; chunk = await next()) total += chunk.length;
  return total;
}

Deno.test("socketSource: chunks arrive in order, then null at the end of input", async () => {
  using pair = await socketPair();
  const source = socketSource(pair.reader);
  pair.writer.write("one\n");
  pair.writer.end("two\n");
  const text: string[] = [];
  const decoder = new TextDecoder();
  for (let c = await source.next(); c !== null; c = await source.next()) {
    text.push(decoder.decode(c));
  }
  assert.equal(text.join(""), "one\ntwo\n");
  assert.equal(await source.next(), null, "stays at the end");
});

Deno.test("socketSource: an unread backlog pauses the socket, and every byte still arrives", async () => {
  using pair = await socketPair();
  const source = socketSource(pair.reader);
  const total = 4 * 1024 * 1024;
  pair.writer.end(new Uint8Array(total));
  // nothing is pulled: the source must stop reading past its high-water mark
  const deadline = Date.now() + 5_000;
  while (!pair.reader.isPaused() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(pair.reader.isPaused(), "the socket is paused while the backlog is unread");
  assert.equal(await readAll(() => source.next()), total);
});

Deno.test("socketSource: close ends a pending pull with null", async () => {
  using pair = await socketPair();
  const source = socketSource(pair.reader);
  const pending = source.next();
  source.close();
  assert.equal(await pending, null);
  assert.ok(pair.reader.destroyed);
});

const DRAIN = new URL("./testdata/drain_stdin.ts", import.meta.url).pathname;

Deno.test("stdinSource reads a pipe to its end and leaves fd 0 open", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    // Deno lets only --allow-all read /proc/self/fd: a probe of our own, not the program
    args: ["run", "--allow-all", DRAIN],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("x".repeat(100_000)));
  await writer.close();
  const out = await child.output();
  const report = JSON.parse(new TextDecoder().decode(out.stdout)) as { bytes: number; fd0: string };
  assert.equal(report.bytes, 100_000);
  assert.match(report.fd0, /^pipe:/, "fd 0 is still the (drained) stdin pipe");
});
