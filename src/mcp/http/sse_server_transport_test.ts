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
  // refused by the envelope rules every transport shares, saying why
  assert.deepEqual(transport.deliver({ id: 7 }), {
    ok: false,
    message: 'Invalid request: "jsonrpc" must be "2.0"',
  });
  const badMeta = { ...ping, params: { _meta: { progressToken: [] } } };
  assert.match((transport.deliver(badMeta) as { message: string }).message, /"params._meta"/);
  assert.match(
    (transport.deliver([ping]) as { message: string }).message,
    /batches are not supported over HTTP\+SSE/,
  );
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

Deno.test("SseServerTransport closes the session when its unread events pass maxBufferedBytes", async () => {
  const message = {
    jsonrpc: "2.0" as const,
    method: "notifications/message",
    params: { data: "x".repeat(300) },
  };
  // the session's key: its whole id goes to no log
  const id = "5e55104a-0000-4000-8000-000000000000";
  const endpoint = `/messages?sessionId=${id}`;
  const endpointBytes = `event: endpoint\ndata: ${endpoint}\n\n`.length;
  const eventBytes = `event: message\ndata: ${JSON.stringify(message)}\n\n`.length;
  const transport = new SseServerTransport(id, {
    endpoint,
    timers: fakeTimers(),
    // room for the endpoint event and three and a half messages
    maxBufferedBytes: endpointBytes + 3.5 * eventBytes,
  });
  const errors: string[] = [];
  let closes = 0;
  const { promise: closed, resolve } = Promise.withResolvers<void>();
  transport.onerror = (err) => errors.push(err.message);
  transport.onclose = () => {
    closes++;
    resolve();
  };
  await transport.start();
  // nobody reads the body: the fourth event takes the queue past the bound
  for (let i = 0; i < 4; i++) await transport.send(message);
  await closed;
  assert.equal(transport.closed, true);
  assert.equal(closes, 1);
  // it closed at the fourth event, not before
  assert.equal(
    errors[0],
    `Closing SSE session 5e55104a…: ${endpointBytes + 4 * eventBytes} bytes of events wait for ` +
      `a client that does not read its stream (limit ${endpointBytes + 3.5 * eventBytes})`,
  );
  await assert.rejects(transport.send(message), /Not connected/);
  // what waited is dropped at once, not kept for as long as the client keeps its connection
  assert.equal(await readAll(transport.body), "");
});

Deno.test("SseServerTransport keeps a session whose client reads its events, past maxBufferedBytes in all", async () => {
  const transport = new SseServerTransport("s-read", {
    endpoint: "/messages?sessionId=s-read",
    timers: fakeTimers(),
    maxBufferedBytes: 1000,
  });
  await transport.start();
  const reader = transport.body.getReader();
  const message = {
    jsonrpc: "2.0" as const,
    method: "notifications/message",
    params: { data: "x".repeat(300) },
  };
  for (let i = 0; i < 20; i++) {
    await transport.send(message);
    while ((await Promise.race([reader.read(), Promise.resolve(null)])) !== null) {
      // drained what was queued
    }
  }
  assert.equal(transport.closed, false);
  reader.releaseLock();
  await transport.close();
});
