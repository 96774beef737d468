import assert from "node:assert/strict";
import { readJsonBody } from "./body.ts";
import { BodyBudget } from "./body_budget.ts";

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/mcp", { method: "POST", body, headers });
}

Deno.test("readJsonBody parses a body within the limit", async () => {
  assert.deepEqual(await readJsonBody(post('{"a":[1,2]}'), 11), { ok: true, value: { a: [1, 2] } });
});

Deno.test("readJsonBody refuses a declared Content-Length over the limit without reading", async () => {
  let pulled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled = true;
      controller.close();
    },
  });
  const result = await readJsonBody(post(body, { "content-length": "100" }), 10);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.status, 413);
  assert.equal(
    !result.ok && result.message,
    "Request body is too large: the limit is 10 bytes (MAX_REQUEST_BYTES)",
  );
  assert.equal(pulled, false);
});

Deno.test("readJsonBody stops reading a stream as soon as it passes the limit", async () => {
  let served = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      served++;
      if (served > 100) throw new Error("read past the limit");
      controller.enqueue(new Uint8Array(8).fill(0x20));
    },
  });
  const result = await readJsonBody(post(body), 20);
  assert.equal(!result.ok && result.status, 413);
  assert.ok(served <= 4, `served ${served} chunks`);
});

Deno.test("readJsonBody answers 400 for an empty body or invalid JSON", async () => {
  const empty = await readJsonBody(post(null), 10);
  assert.equal(!empty.ok && empty.status, 400);
  const invalid = await readJsonBody(post("{nope"), 10);
  assert.equal(!invalid.ok && invalid.status, 400);
});

Deno.test("readJsonBody decodes a multi-byte character split across chunks", async () => {
  const bytes = new TextEncoder().encode('"é"');
  const body = ReadableStream.from([bytes.subarray(0, 2), bytes.subarray(2)]);
  assert.deepEqual(await readJsonBody(post(body), 10), { ok: true, value: "é" });
});

// A body that sends `first` and then never more, nor ends: a client that stalled.
function stalled(first: string): { body: ReadableStream<Uint8Array>; cancelled: Promise<void> } {
  const { promise: cancelled, resolve } = Promise.withResolvers<void>();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
    cancel: () => resolve(),
  });
  return { body, cancelled };
}

Deno.test("readJsonBody answers 408 and cancels the stream when the body stalls past timeoutMs", async () => {
  const { body, cancelled } = stalled('{"jsonrpc":');
  const result = await readJsonBody(post(body), 100, { timeoutMs: 1 });
  assert.equal(!result.ok && result.status, 408);
  assert.match(!result.ok ? result.message : "", /within 1 ms \(received 11 bytes\)/);
  await cancelled;
});

Deno.test("readJsonBody answers 503 when its signal aborts while the body is awaited", async () => {
  const { body, cancelled } = stalled("{");
  const shutdown = new AbortController();
  const reading = readJsonBody(post(body), 100, { signal: shutdown.signal });
  shutdown.abort();
  const result = await reading;
  assert.equal(!result.ok && result.status, 503);
  await cancelled;
  const late = await readJsonBody(post("{}"), 100, { signal: shutdown.signal });
  assert.equal(!late.ok && late.status, 503, "an already aborted signal refuses at once");
});

Deno.test("readJsonBody refuses a body past what all bodies read at once may hold, and gives its bytes back", async () => {
  const budget = new BodyBudget(20);
  const { body, cancelled } = stalled('{"a":"0123456789"');
  const waiting = readJsonBody(post(body), 100, { budget, timeoutMs: 50 });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(budget.held, 17, "a stalled body holds what it sent");
  // refused at the chunk that does not fit, with or without a declared length
  const streamed = await readJsonBody(post('{"b":"0123456789"}'), 100, { budget });
  assert.equal(!streamed.ok && streamed.status, 503);
  assert.equal(!streamed.ok && streamed.retryAfterSeconds, 1);
  const declared = new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers: { "content-length": "10" },
    body: "[1,2,3,4]]",
  });
  const refused = await readJsonBody(declared, 100, { budget });
  assert.match(!refused.ok ? refused.message : "", /Too many request bodies are arriving at once/);
  assert.equal(!(await waiting).ok, true);
  await cancelled;
  assert.equal(budget.held, 0);
  const later = await readJsonBody(post('{"b":"0123456789"}'), 100, { budget });
  assert.deepEqual(later, { ok: true, value: { b: "0123456789" } });
  assert.equal(budget.held, 0);
});

Deno.test("readJsonBody answers 400 when the body's connection closes before it ends", async () => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"a":'));
      controller.error(new Error("connection reset"));
    },
  });
  const result = await readJsonBody(post(body), 100);
  assert.equal(!result.ok && result.status, 400);
  assert.match(!result.ok ? result.message : "", /cut short/);
});

Deno.test("readJsonBody holds a body as it arrives, not by the length it declares", async () => {
  const budget = new BodyBudget(100);
  // declares more than the whole budget and sends nothing yet: holds nothing
  const { body, cancelled } = stalled("");
  const idle = new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers: { "content-length": "90" },
    body,
  });
  const waiting = readJsonBody(idle, 100, { budget, timeoutMs: 50 });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(budget.held, 0);
  // so another client's body still fits
  const other = await readJsonBody(post('{"b":"0123456789"}'), 100, { budget });
  assert.deepEqual(other, { ok: true, value: { b: "0123456789" } });
  assert.equal(!(await waiting).ok, true);
  await cancelled;
});
