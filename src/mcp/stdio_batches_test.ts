import assert from "node:assert/strict";
import { StdioTransport } from "./stdio_transport.ts";
import type { JSONRPCMessage } from "./sdk.ts";

const encoder = new TextEncoder();

/** A transport whose input the test writes line by line and whose output it reads. */
function transport() {
  let input!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (input = c) });
  const written: string[] = [];
  const t = new StdioTransport({
    input: stream,
    output: {
      write(bytes: Uint8Array) {
        written.push(new TextDecoder().decode(bytes));
        return Promise.resolve(bytes.length);
      },
    },
    maxLineBytes: 1 << 20,
    endGraceMs: 1_000,
  });
  const received: JSONRPCMessage[] = [];
  t.onmessage = (m) => received.push(m);
  const closed = new Promise<void>((resolve) => t.onclose = resolve);
  return {
    t,
    received,
    /** Every line written so far, parsed. */
    lines: () => written.join("").trim().split("\n").filter((l) => l).map((l) => JSON.parse(l)),
    write: (value: unknown) => input.enqueue(encoder.encode(JSON.stringify(value) + "\n")),
    async end() {
      input.close();
      await closed;
    },
  };
}

// Lets the transport's pump take what was written.
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
}

/** Connects, answering the initialize with `version`, as the server would. */
async function negotiated(version: string) {
  const c = transport();
  await c.t.start();
  c.write({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: version } });
  await settle();
  await c.t.send({ jsonrpc: "2.0", id: 0, result: { protocolVersion: version } } as JSONRPCMessage);
  c.received.length = 0;
  return c;
}

const ping = (id: number | string) => ({ jsonrpc: "2.0", id, method: "ping" });
const ok = (id: number | string) => ({ jsonrpc: "2.0", id, result: {} }) as JSONRPCMessage;

Deno.test("stdio at protocol version 2025-03-26 takes a batch and answers it with one array once every request is answered", async () => {
  const c = await negotiated("2025-03-26");
  c.write([
    ping(1),
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "1.0", id: 9, method: "ping" },
    ping("two"),
  ]);
  await settle();
  assert.deepEqual(c.received.map((m) => "id" in m ? m.id : (m as { method: string }).method), [
    1,
    "notifications/initialized",
    "two",
  ]);
  await c.t.send(ok("two"));
  assert.equal(c.lines().length, 1, "only the initialize answer: the batch waits for request 1");
  await c.t.send(ok(1));
  const answer = c.lines()[1];
  assert.ok(Array.isArray(answer), "the batch is answered with an array");
  assert.deepEqual(
    answer.map((a: { id?: unknown; error?: { code: number } }) => [
      a.id,
      a.error?.code ?? "ok",
    ]),
    [[9, -32600], ["two", "ok"], [1, "ok"]],
  );
  await c.end();
});

Deno.test("stdio: a cancelled request of a batch gets no answer, and a batch of notifications none at all", async () => {
  const c = await negotiated("2025-03-26");
  c.write([ping(1), ping(2)]);
  c.write({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 2 } });
  c.write([{ jsonrpc: "2.0", method: "notifications/initialized" }]);
  await settle();
  await c.t.send(ok(1));
  assert.deepEqual(c.lines().slice(1), [[ok(1)]]);
  await c.end();
  assert.equal(c.lines().length, 2, "nothing for the batch of notifications");
});

Deno.test("stdio: a batch waits for request 0 after a cancel of it, which the SDK does not act on", async () => {
  const c = await negotiated("2025-03-26");
  c.write([ping(0), ping(1)]);
  c.write({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 0 } });
  await settle();
  await c.t.send(ok(1));
  assert.equal(c.lines().length, 1, "request 0 runs on: its batch waits for its answer");
  await c.t.send(ok(0));
  assert.deepEqual(c.lines().slice(1), [[ok(1), ok(0)]]);
  await c.end();
});

Deno.test("stdio: a line refused with the id of a batch's request is not taken for its answer", async () => {
  const c = await negotiated("2025-03-26");
  c.write([ping(5), ping(6)]);
  c.write({ jsonrpc: "2.0", id: 5, method: "ping", params: { _meta: "not an object" } });
  await settle();
  await c.t.send(ok(6));
  assert.deepEqual(c.lines().slice(1).map((l) => Array.isArray(l) ? "batch" : l.error?.code), [
    -32600,
  ]);
  await c.t.send(ok(5));
  assert.deepEqual(c.lines()[2], [ok(6), ok(5)]);
  await c.end();
});

Deno.test("stdio: requests of a batch still running when the server stops are answered CANCELLED in its array", async () => {
  const c = await negotiated("2025-03-26");
  c.write([ping(1), ping(2)]);
  await settle();
  await c.t.send(ok(1));
  await c.t.close();
  const answer = c.lines()[1];
  assert.deepEqual(
    answer.map((a: { id: number; error?: { code: number } }) => [a.id, a.error?.code]),
    [
      [1, undefined],
      [2, -32000],
    ],
  );
});

Deno.test("stdio refuses a batch before initialize, at 2025-06-18 and later, when empty or over 100 messages", async () => {
  for (const version of ["2024-11-05", "2025-06-18", "2025-11-25"]) {
    const c = await negotiated(version);
    c.write([ping(1), ping(2)]);
    await settle();
    assert.deepEqual(c.received, [], version);
    const errors = c.lines().slice(1);
    assert.deepEqual(errors.map((e) => [e.id, e.error.code]), [[1, -32600], [2, -32600]], version);
    assert.match(
      errors[0].error.message,
      new RegExp(`at protocol version ${version} \\(MCP has them only at 2025-03-26\\)`),
    );
    await c.end();
  }
  const before = transport();
  await before.t.start();
  before.write([ping(1)]);
  await settle();
  assert.deepEqual(before.received, []);
  assert.deepEqual(before.lines().map((e) => [e.id, e.error.code]), [[1, -32600]]);
  assert.match(before.lines()[0].error.message, /batches are not supported before initialize/);
  await before.end();

  const c = await negotiated("2025-03-26");
  c.write([]);
  c.write(Array.from({ length: 101 }, (_, i) => ping(i)));
  await settle();
  assert.deepEqual(c.received, []);
  const messages = c.lines().slice(1).map((e) => e.error.message);
  assert.deepEqual(messages, [
    "Invalid request: the batch is empty",
    "Invalid request: a batch of 101 messages is over the limit of 100",
  ]);
  await c.end();
});
