import assert from "node:assert/strict";
import { StdioTransport } from "./stdio_transport.ts";

const encoder = new TextEncoder();
const request = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "tools/list" });

Deno.test("stdio: a client gone from stdout (broken pipe) ends the connection though stdin stays open", async () => {
  // stdin stays open: only the broken output can tell the client is gone
  const input = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(encoder.encode(`${request(1)}\n${request(2)}\n`)),
  });
  let writes = 0;
  const t = new StdioTransport({
    input,
    output: {
      write() {
        writes++;
        return Promise.reject(new Deno.errors.BrokenPipe("Broken pipe (os error 32)"));
      },
    },
    maxLineBytes: 1 << 20,
  });
  const closed = new Promise<void>((resolve) => t.onclose = resolve);
  let received = 0;
  t.onmessage = () => received++;
  await t.start();
  for (let i = 0; i < 100 && received < 2; i++) await new Promise((r) => setTimeout(r, 5));
  await assert.rejects(t.send({ jsonrpc: "2.0", id: 1, result: {} }), Deno.errors.BrokenPipe);
  // closing answers request 2 CANCELLED: to nobody, without another write
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([
    closed.then(() => true),
    new Promise<false>((r) => timer = setTimeout(() => r(false), 2_000)),
  ]);
  clearTimeout(timer);
  assert.equal(ended, true, "the transport closed, so the server stops and its calls with it");
  assert.equal(writes, 1);
  await assert.rejects(t.send({ jsonrpc: "2.0", id: 2, result: {} }), /closed/);
});
