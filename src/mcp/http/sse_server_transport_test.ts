import assert from "node:assert/strict";
import { type IntervalTimers, SseServerTransport } from "./sse_server_transport.ts";

/** Timers that only fire when the test says so. */
function fakeTimers(): IntervalTimers & { tick(): void; active: number; lastMs?: number } {
  const callbacks = new Map<number, () => void>();
  let next = 0;
  return {
    lastMs: undefined,
    setInterval(callback, ms) {
      this.lastMs = ms;
      callbacks.set(++next, callback);
      return next;
    },
    clearInterval(handle) {
      callbacks.delete(handle as number);
    },
    tick() {
      for (const callback of callbacks.values()) callback();
    },
    get active() {
      return callbacks.size;
    },
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  return text;
}

Deno.test("SseServerTransport writes the endpoint, messages and keep-alives as SSE", async () => {
  const timers = fakeTimers();
  const transport = new SseServerTransport("s-1", {
    endpoint: "/messages?sessionId=s-1",
    keepAliveMs: 1234,
    timers,
  });
  await transport.start();
  assert.equal(timers.lastMs, 1234);
  await transport.send({ jsonrpc: "2.0", id: 1, result: { multi: "line\nvalue" } });
  timers.tick();
  await transport.close();
  assert.equal(
    await readAll(transport.body),
    "event: endpoint\ndata: /messages?sessionId=s-1\n\n" +
      'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"multi":"line\\nvalue"}}\n\n' +
      ": keepalive\n\n",
  );
});

Deno.test("SseServerTransport.close clears the keep-alive and reports onclose once", async () => {
  const timers = fakeTimers();
  const transport = new SseServerTransport("s-1", { endpoint: "/m", timers });
  let closes = 0;
  transport.onclose = () => closes++;
  await transport.start();
  assert.equal(timers.active, 1);
  await transport.close();
  await transport.close();
  assert.equal(timers.active, 0);
  assert.equal(closes, 1);
  assert.equal(transport.closed, true);
  await assert.rejects(transport.send({ jsonrpc: "2.0", method: "x" }), /Not connected/);
  await transport.body.cancel();
});

Deno.test("SseServerTransport closes when the client cancels the stream", async () => {
  const timers = fakeTimers();
  const transport = new SseServerTransport("s-1", { endpoint: "/m", timers });
  let closed = false;
  transport.onclose = () => closed = true;
  await transport.start();
  await transport.body.cancel();
  assert.equal(closed, true);
  assert.equal(timers.active, 0);
});

Deno.test("SseServerTransport.deliver passes on JSON-RPC messages and refuses others", async () => {
  const transport = new SseServerTransport("s-1", { endpoint: "/m", timers: fakeTimers() });
  const received: unknown[] = [];
  transport.onmessage = (message) => received.push(message);
  await transport.start();
  const ping = { jsonrpc: "2.0", id: 7, method: "ping" };
  assert.deepEqual(transport.deliver(ping), { ok: true });
  assert.equal(transport.deliver({ id: 7 }).ok, false);
  assert.equal(transport.deliver([ping]).ok, false);
  assert.deepEqual(received, [ping]);
  await transport.close();
  assert.equal(transport.deliver(ping).ok, false);
  await transport.body.cancel();
});

Deno.test("SseServerTransport refuses a second start", async () => {
  const transport = new SseServerTransport("s-1", { endpoint: "/m", timers: fakeTimers() });
  await transport.start();
  await assert.rejects(transport.start(), /already started/);
  await transport.close();
  await transport.body.cancel();
});
