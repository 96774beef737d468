import assert from "node:assert/strict";
import { StdioTransport } from "./stdio_transport.ts";
import type { JSONRPCMessage } from "./sdk.ts";

const encoder = new TextEncoder();

/**
 * A transport over `lines` (then end of input), answering nothing unless the test does;
 * the input arrives in reads of `chunkBytes`.
 */
function transport(
  lines: string[],
  endGraceMs = 5_000,
  options: { chunkBytes?: number; maxLineBytes?: number; maxInFlight?: number } = {},
) {
  const text = encoder.encode(lines.join("\n"));
  const chunk = options.chunkBytes ?? text.length;
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < text.length; i += chunk) controller.enqueue(text.slice(i, i + chunk));
      controller.close();
    },
  });
  const written: string[] = [];
  const t = new StdioTransport({
    input,
    output: {
      write(bytes: Uint8Array) {
        written.push(new TextDecoder().decode(bytes));
        return Promise.resolve(bytes.length);
      },
    },
    maxLineBytes: options.maxLineBytes ?? 1 << 20,
    endGraceMs,
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
  });
  const received: JSONRPCMessage[] = [];
  const closed = new Promise<void>((resolve) => t.onclose = resolve);
  t.onmessage = (m) => received.push(m);
  return { t, received, written, closed };
}

const request = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "tools/list" });

Deno.test("stdio: at the end of input, requests still running are answered before closing", async () => {
  // the last line has no newline: it is a message all the same
  const { t, received, written, closed } = transport([request(1), request(2)]);
  let isClosed = false;
  closed.then(() => isClosed = true);
  await t.start();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(received.length, 2);
  assert.equal(isClosed, false, "waits for the answers");
  await t.send({ jsonrpc: "2.0", id: 1, result: {} });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(isClosed, false, "one answer is still owed");
  await t.send({ jsonrpc: "2.0", id: 2, result: {} });
  await closed;
  assert.equal(written.length, 2);
});

Deno.test("stdio: a cancelled request and a malformed one are not waited for", async () => {
  const cancelled = JSON.stringify({
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: 1 },
  });
  const malformed = JSON.stringify({ jsonrpc: "2.0", id: { x: 1 }, method: "tools/list" });
  const { t, closed } = transport([request(1), cancelled, malformed]);
  const started = Date.now();
  await t.start();
  await closed;
  assert.ok(Date.now() - started < 2_000, "closed without waiting out the grace period");
});

Deno.test("stdio: a request still running after the grace period is answered CANCELLED", async () => {
  const { t, closed, written } = transport([request(9)], 100);
  const started = Date.now();
  await t.start();
  await closed;
  const waited = Date.now() - started;
  assert.ok(waited >= 90 && waited < 3_000, `closed after ${waited} ms`);
  assert.deepEqual(written.map((w) => JSON.parse(w)), [{
    jsonrpc: "2.0",
    id: 9,
    error: { code: -32000, message: "CANCELLED: the server stopped before this request finished" },
  }]);
});

Deno.test("stdio: closing answers every request still running, once, and no cancelled one", async () => {
  // input that stays open: the server stops (a signal) while the client is still there
  const text = encoder.encode(
    [
      request(1),
      request(2),
      request(3),
      JSON.stringify({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: 3 },
      }),
      "",
    ].join("\n"),
  );
  const input = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(text) });
  const written: string[] = [];
  const t = new StdioTransport({
    input,
    output: {
      write: (b) => (written.push(new TextDecoder().decode(b)), Promise.resolve(b.length)),
    },
    maxLineBytes: 1 << 20,
  });
  const received: JSONRPCMessage[] = [];
  t.onmessage = (m) => received.push(m);
  await t.start();
  for (let i = 0; i < 50 && received.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(received.length, 4);
  await t.send({ jsonrpc: "2.0", id: 1, result: {} });
  await t.close();
  await t.close();
  const answers = written.join("").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(answers.map((a) => [a.id, a.error?.message.split(":")[0] ?? "result"]), [
    [1, "result"],
    [2, "CANCELLED"],
  ]);
});

Deno.test("stdio: answers ready together go out in one write, a last open one at once", async () => {
  const { t, received, written } = transport([request(1), request(2), request(3), ""], 5_000);
  await t.start();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(received.length, 3);
  const first = t.send({ jsonrpc: "2.0", id: 1, result: {} });
  const second = t.send({ jsonrpc: "2.0", id: 2, result: { n: 2 } });
  assert.equal(written.length, 0, "held while request 3 is open and others may join");
  await Promise.all([first, second]);
  assert.deepEqual(written, [
    '{"jsonrpc":"2.0","id":1,"result":{}}\n{"jsonrpc":"2.0","id":2,"result":{"n":2}}\n',
  ]);
  void t.send({ jsonrpc: "2.0", id: 3, result: {} });
  assert.equal(written.length, 2, "no request open: written before send returns");
  assert.equal(written[1], '{"jsonrpc":"2.0","id":3,"result":{}}\n');
  await t.close();
});

Deno.test("stdio: a failed write rejects every answer it carried", async () => {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${request(1)}\n${request(2)}\n${request(3)}\n`));
    },
  });
  const t = new StdioTransport({
    input,
    output: {
      write() {
        return Promise.reject(new Error("broken pipe"));
      },
    },
    maxLineBytes: 1 << 20,
  });
  let received = 0;
  t.onmessage = () => received++;
  await t.start();
  while (received < 3) await new Promise((r) => setTimeout(r, 5));
  const sends = [1, 2].map((id) => t.send({ jsonrpc: "2.0", id, result: {} }));
  for (const s of sends) await assert.rejects(s, /broken pipe/);
  await t.close();
});

Deno.test("stdio: an over-long request is answered with an error when its id can be read", async () => {
  const big = "x".repeat(300);
  const lines = [
    // the TypeScript SDK writes the id last; others write it first
    `{"method":"tools/call","params":{"contents":"${big}"},"jsonrpc":"2.0","id":5}`,
    `{"jsonrpc":"2.0","id":"first","method":"tools/call","params":{"c":"${big}"}}`,
    `not json at all ${big}`,
    request(6),
  ];
  // in 7-byte chunks too, so a long line spans many reads
  for (const chunk of [1 << 20, 7]) {
    const { t, received, written, closed } = transport([...lines, ""], 2_000, {
      chunkBytes: chunk,
      maxLineBytes: 200,
    });
    t.onmessage = (m) => {
      received.push(m);
      if ("id" in m && m.id !== undefined) void t.send({ jsonrpc: "2.0", id: m.id, result: {} });
    };
    await t.start();
    await closed;
    assert.deepEqual(received.map((m) => "id" in m && m.id), [6], `chunk ${chunk}`);
    const answers = written.join("").trim().split("\n").map((l) => JSON.parse(l));
    const errors = answers.filter((a) => a.error);
    assert.deepEqual(errors.map((a) => a.id), [5, "first"], `chunk ${chunk}`);
    assert.equal(errors[0].error.code, -32600);
    assert.match(errors[0].error.message, /^Request of \d+ bytes exceeds the limit of 200 bytes/);
  }
});

Deno.test("stdio: a request with a malformed _meta is answered -32600 at once, not waited for", async () => {
  const lines = [
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { _meta: 5 } }),
    JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "echo", _meta: { progressToken: { a: 1 } } },
    }),
  ];
  const { t, received, written, closed } = transport(lines);
  const dropped: string[] = [];
  t.onerror = (err) => dropped.push(err.message);
  const started = Date.now();
  await t.start();
  await closed;
  assert.ok(Date.now() - started < 2_000, "no grace period spent waiting");
  assert.deepEqual(received, []);
  const answers = written.join("").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(answers.map((a) => [a.id, a.error?.code]), [[1, -32600], [2, -32600]]);
  // logged like every other refused frame (the log leaves its contents out)
  const why = 'Invalid request: "params._meta" must be an object whose progressToken is a ' +
    "string or an integer";
  assert.deepEqual(answers.map((a) => a.error.message), [why, why]);
  assert.deepEqual(dropped, [why, why].map((w) => `Dropped a frame: ${w}`));
});

Deno.test("stdio: lines the protocol layer would drop unanswered get a JSON-RPC error saying why", async () => {
  const lines = [
    "not json",
    JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }, {
      jsonrpc: "2.0",
      id: 2,
      method: "ping",
    }]),
    JSON.stringify({ id: 3, method: "ping" }),
    JSON.stringify({ jsonrpc: "2.0", id: 4, method: "ping", params: [1] }),
    JSON.stringify({ jsonrpc: "2.0", id: { x: 1 }, method: "ping" }),
    "null",
    // a notification is never answered, even a malformed one
    JSON.stringify({ jsonrpc: "2.0", method: "notifications/x", params: 5 }),
    JSON.stringify({ jsonrpc: "2.0", id: 5, method: "ping", extra: "x" }),
    // neither request nor response: answered; a response to nothing is dropped, as the SDK does
    JSON.stringify({ jsonrpc: "2.0", id: 7 }),
    JSON.stringify({ jsonrpc: "2.0", id: 8, result: {} }),
    request(6),
  ];
  const { t, received, written, closed } = transport(lines);
  t.onmessage = (m) => {
    received.push(m);
    if ("method" in m && "id" in m) void t.send({ jsonrpc: "2.0", id: m.id, result: {} });
  };
  await t.start();
  await closed;
  assert.deepEqual(received.map((m) => "id" in m ? m.id : "notification"), ["notification", 8, 6]);
  const answers = written.join("").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(answers.map((a) => [a.id ?? null, a.error?.code ?? "ok"]), [
    [null, -32700],
    [1, -32600],
    [2, -32600],
    [3, -32600],
    [4, -32600],
    [null, -32600],
    [null, -32600],
    [5, -32600],
    [7, -32600],
    [6, "ok"],
  ]);
  const messages = answers.map((a) => a.error?.message);
  assert.match(messages[0], /^Parse error: .*; send one JSON-RPC 2\.0 message per line$/);
  assert.match(messages[1], /batches are not supported/);
  assert.match(messages[3], /"jsonrpc" must be "2\.0"/);
  assert.match(messages[4], /"params" must be an object/);
  assert.match(messages[5], /"id" must be a string or an integer/);
  assert.match(messages[7], /unknown member "extra"/);
  assert.match(messages[8], /no "method" .*nor "result" or "error"/);
  assert.ok(answers.every((a) => !("id" in a) || a.id !== null), "no id is written as none");
});

// Lets the transport's pump run as far as it can (it waits on nothing but answers here).
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
}

Deno.test("stdio: at maxInFlight unanswered requests, no more input is read until one is answered", async () => {
  const lines = [1, 2, 3, 4, 5].map(request);
  const { t, received, closed } = transport(lines, 5_000, { maxInFlight: 2 });
  await t.start();
  await settle();
  assert.deepEqual(received.map((m) => (m as { id: number }).id), [1, 2]);
  await t.send({ jsonrpc: "2.0", id: 2, result: {} });
  await settle();
  assert.deepEqual(received.map((m) => (m as { id: number }).id), [1, 2, 3]);
  for (const id of [1, 3, 4, 5]) {
    await settle();
    await t.send({ jsonrpc: "2.0", id, result: {} });
  }
  await closed;
  assert.equal(received.length, 5);
});

Deno.test("stdio: requests reusing one id each count against maxInFlight and each is answered", async () => {
  const { t, received, written, closed } = transport([request(7), request(7), request(7)], 50, {
    maxInFlight: 2,
  });
  await t.start();
  await settle();
  assert.equal(received.length, 2, "a reused id does not slip past the bound");
  await t.send({ jsonrpc: "2.0", id: 7, result: {} });
  await settle();
  assert.equal(received.length, 3);
  await closed; // the grace runs out: the two still running are answered CANCELLED
  const answers = written.join("").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(answers.length, 3);
  assert.equal(answers.filter((a) => a.error).length, 2);
});

Deno.test("stdio: a cancelled request frees its place under maxInFlight", async () => {
  const cancel = JSON.stringify({
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: 1 },
  });
  const { t, received, closed } = transport([request(1), cancel, request(2)], 5_000, {
    maxInFlight: 2,
  });
  await t.start();
  await settle();
  assert.equal(received.length, 3);
  await t.send({ jsonrpc: "2.0", id: 2, result: {} });
  await closed;
});

Deno.test("stdio: while the client does not read, input waits and notifications are dropped", async () => {
  const lines = Array.from({ length: 50 }, (_, i) => request(i + 1)).join("\n") + "\n";
  const input = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(encoder.encode(lines)) });
  const open = Promise.withResolvers<void>();
  const written: string[] = [];
  const t = new StdioTransport({
    input,
    output: {
      async write(bytes) {
        await open.promise; // the client reads nothing until the test says so
        written.push(new TextDecoder().decode(bytes));
        return bytes.length;
      },
    },
    maxLineBytes: 1 << 20,
    maxQueuedBytes: 1_000,
  });
  const result = { text: "r".repeat(200) };
  const answers: Promise<void>[] = [];
  let received = 0;
  t.onmessage = (m) => {
    received++;
    if ("id" in m && m.id !== undefined) answers.push(t.send({ jsonrpc: "2.0", id: m.id, result }));
  };
  await t.start();
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(received < 10, `input stopped once the output was full (read ${received})`);
  const progress = { jsonrpc: "2.0" as const, method: "notifications/progress", params: {} };
  await t.send(progress); // resolves at once: dropped, not queued behind the answers
  open.resolve();
  for (let i = 0; i < 100 && received < 50; i++) await new Promise((r) => setTimeout(r, 10));
  await Promise.all(answers);
  const out = written.join("").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(out.map((a) => a.id), Array.from({ length: 50 }, (_, i) => i + 1));
  await t.close();
});

Deno.test("stdio: a frame refused with the id of a request still running does not count as its answer", async () => {
  const badMeta = JSON.stringify({
    jsonrpc: "2.0",
    id: 5,
    method: "tools/list",
    params: { _meta: "not an object" },
  });
  const { t, received, written, closed } = transport([request(5), badMeta], 50);
  await t.start();
  await closed; // the grace runs out: request 5 is still running
  assert.equal(received.length, 1);
  const answers = written.join("").trim().split("\n").map((l) => JSON.parse(l));
  // the refusal, then request 5's own answer: CANCELLED, not none
  assert.deepEqual(answers.map((a) => [a.id, a.error?.code]), [[5, -32600], [5, -32000]]);
});
