import assert from "node:assert/strict";
import { z } from "zod";
import { McpServer } from "../sdk.ts";
import { startHttpServer } from "./http_server.ts";
import { openRawSession, readUntil, serverOptions as options } from "./_testing.ts";
import { WaitCalls } from "./_wait_tool.ts";

/**
 * A server whose `wait` tool runs until cancelled or released (`aborted` resolves with its
 * name when cancelled), and whose `flood` tool, once `flood()` is called, sends 64 KiB
 * events on its own stream until cancelled.
 */
function waitingServer() {
  const calls = new WaitCalls();
  const flood = Promise.withResolvers<void>();
  const abortedOf = (name: string) => calls.aborted(name);
  function createServer(): McpServer {
    const server = new McpServer({ name: "wait-test", version: "0.0.0" }, {
      capabilities: { logging: {} },
    });
    calls.register(server);
    server.registerTool("flood", {
      description: "Floods its stream",
      inputSchema: { name: z.string() },
    }, async ({ name }, extra) => {
      try {
        await flood.promise;
        const data = "x".repeat(64 * 1024);
        // bounded: 1,000 events are far past the 1 MiB bound of the test
        for (let i = 0; i < 1_000 && !extra.signal.aborted; i++) {
          await extra.sendNotification({
            method: "notifications/message",
            params: { level: "info", data },
          });
        }
      } finally {
        if (extra.signal.aborted) abortedOf(name).resolve();
        else abortedOf(name).reject(new Error(`"${name}" was not cancelled`));
      }
      return { content: [{ type: "text", text: "flooded" }] };
    });
    return server;
  }
  return {
    /** Resolves once the call named `name` was cancelled; rejects if not within 5 s. */
    aborted: (name: string) => within(abortedOf(name).promise, `"${name}" was cancelled`),
    release: () => calls.release(),
    flood: () => flood.resolve(),
    createServer,
  };
}

/** `promise`, or a failure saying it did not happen when it does not settle within 5 s. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Not within 5 s: ${what}`)), 5_000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const call = (id: number, name: string, tool = "wait") => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: tool, arguments: { name } },
});

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** An initialized Streamable HTTP session at 2025-03-26 (batches allowed). */
async function open(url: string): Promise<Record<string, string>> {
  const headers = await openRawSession(url, "2025-03-26");
  await post(url, headers, { jsonrpc: "2.0", method: "notifications/initialized" });
  return headers;
}

async function post(url: string, headers: Record<string, string>, body: unknown) {
  const res = await fetch(`${url}/mcp`, { method: "POST", headers, body: JSON.stringify(body) });
  if (res.status === 202) await res.body?.cancel();
  return res;
}

/** Posts `count` wait calls from id `from` in batches of at most 100 (the SDK's bound). */
async function fill(url: string, headers: Record<string, string>, from: number, count: number) {
  const posts: Promise<Response>[] = [];
  for (let i = 0; i < count; i += 100) {
    const ids = range(from + i, Math.min(100, count - i));
    posts.push(post(url, headers, ids.map((id) => call(id, `w${id}`))));
  }
  const responses = await Promise.all(posts);
  assert.deepEqual(responses.map((res) => res.status), responses.map(() => 200));
  return responses;
}

const cancelled = (requestId: number) => ({
  jsonrpc: "2.0",
  method: "notifications/cancelled",
  params: { requestId },
});

/** Asserts `res` is the refusal of a request past the bound. */
async function assertRefused(res: Response): Promise<void> {
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "1");
  const body = await res.json();
  assert.equal(body.error.code, -32000);
  assert.match(body.error.message, /has 256 requests running; retry/);
}

// every exit path has run its course once the handler saw the abort and the answer that
// stands for it was sent, which is done within the same turn of the event loop
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("Streamable HTTP refuses a request past 256 running in a session with 429, and a batch whole", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const headers = await open(http.url);
  const full = await fill(http.url, headers, 1, 255);
  // 255 run: a batch of two does not fit and takes no place, one request does
  await assertRefused(await post(http.url, headers, [call(1001, "a"), call(1002, "b")]));
  const last = await post(http.url, headers, call(1003, "c"));
  assert.equal(last.status, 200);
  await assertRefused(await post(http.url, headers, call(1004, "d")));
  // another session has its own places
  const other = await open(http.url);
  const elsewhere = await post(http.url, other, call(1, "elsewhere"));
  assert.equal(elsewhere.status, 200);
  waiting.release();
  await Promise.all([...full, last, elsewhere].map((res) => res.text()));
  // answered: the session's 256 places are free again, and no more
  const again = await fill(http.url, headers, 2001, 256);
  await assertRefused(await post(http.url, headers, call(3000, "e")));
  waiting.release();
  await Promise.all(again.map((res) => res.text()));
});

Deno.test("Streamable HTTP frees a request's place when it is cancelled, its client leaves or its stream overflows", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({
    createServer: waiting.createServer,
    maxBufferedBytes: 1024 * 1024,
  }));
  const headers = await open(http.url);
  const others = await fill(http.url, headers, 10, 253);
  const toCancel = await post(http.url, headers, call(1, "cancelled"));
  const leaving = new AbortController();
  const left = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify(call(2, "left")),
    signal: leaving.signal,
  });
  // nobody reads this stream: its events pass the 1 MiB bound
  const flooded = await post(http.url, headers, call(3, "flooded", "flood"));
  for (const res of [toCancel, left, flooded]) assert.equal(res.status, 200);
  await assertRefused(await post(http.url, headers, call(4, "refused")));

  assert.equal((await post(http.url, headers, cancelled(1))).status, 202);
  await waiting.aborted("cancelled");
  leaving.abort();
  await left.body?.cancel().catch(() => {});
  await waiting.aborted("left");
  waiting.flood();
  await waiting.aborted("flooded");
  await settled();
  await Promise.all([toCancel.body?.cancel(), flooded.body?.cancel()]);

  // the three places are free, and no more: 253 + 3 fit, 253 + 4 do not
  await assertRefused(await post(http.url, headers, range(300, 4).map((id) => call(id, "x"))));
  const three = await post(http.url, headers, range(300, 3).map((id) => call(id, "x")));
  assert.equal(three.status, 200);
  waiting.release();
  await Promise.all([...others, three].map((res) => res.text()));
  const again = await fill(http.url, headers, 2001, 256);
  await assertRefused(await post(http.url, headers, call(3000, "e")));
  waiting.release();
  await Promise.all(again.map((res) => res.text()));
});

Deno.test("Legacy SSE refuses a request past 256 running in a session with 429, or reusing a running id, and frees a cancelled one's place", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const stream = await fetch(`${http.url}/sse`);
  const reader = stream.body!.getReader();
  const first = await readUntil(reader, "\n\n");
  const endpoint = /data: (\S+)/.exec(first)?.[1];
  assert.ok(endpoint !== undefined, first);
  async function send(body: unknown): Promise<Response> {
    const res = await fetch(`${http.url}${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status === 202) await res.body?.cancel();
    return res;
  }
  const init = await send({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: "2024-11-05",
      capabilities: {},
      clientInfo: { name: "t", version: "0" },
    },
  });
  assert.equal(init.status, 202);
  await readUntil(reader, '"id":0');
  await send({ jsonrpc: "2.0", method: "notifications/initialized" });
  const accepted = await Promise.all(range(1, 256).map((id) => send(call(id, `w${id}`))));
  assert.deepEqual(new Set(accepted.map((res) => res.status)), new Set([202]));
  await assertRefused(await send(call(1000, "refused")));
  // a request reusing the id of one running is refused as such, not as one too many
  const reused = await send(call(2, "again"));
  assert.equal(reused.status, 400);
  assert.equal((await reused.json()).error.code, -32600);
  assert.equal((await send(cancelled(1))).status, 202);
  await waiting.aborted("w1");
  const fits = await send(call(1001, "fits"));
  assert.equal(fits.status, 202);
  await assertRefused(await send(call(1002, "refused")));
  // once answered (on the stream), the places are free again
  waiting.release();
  await readUntil(reader, '"id":1001');
  await reader.cancel();
});

Deno.test("Streamable HTTP keeps request 0's place after a cancel the SDK ignores, until it is answered", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const headers = await open(http.url);
  const others = await fill(http.url, headers, 10, 255);
  const zero = await post(http.url, headers, call(0, "zero"));
  assert.equal(zero.status, 200);
  // the SDK acts on no cancel of a falsy id: the call runs on, so it keeps its place
  assert.equal((await post(http.url, headers, cancelled(0))).status, 202);
  await assertRefused(await post(http.url, headers, call(1000, "refused")));
  // nor does a client leaving the stream of request 0 free its place, in another session
  const other = await open(http.url);
  const more = await fill(http.url, other, 10, 255);
  const leaving = new AbortController();
  const left = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: other,
    body: JSON.stringify(call(0, "left")),
    signal: leaving.signal,
  });
  assert.equal(left.status, 200);
  leaving.abort();
  await left.body?.cancel().catch(() => {});
  await settled();
  await assertRefused(await post(http.url, other, call(1000, "refused")));
  waiting.release();
  // and its stream carries its answer
  assert.match(await zero.text(), /"id":0/);
  await Promise.all([...others, ...more].map((res) => res.text()));
});

Deno.test("Streamable HTTP refuses a request, or a batch, that reuses the id of one running in its session", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const headers = await open(http.url);
  const first = await post(http.url, headers, call(7, "first"));
  assert.equal(first.status, 200);
  for (const body of [call(7, "again"), [call(8, "a"), call(8, "b")]]) {
    const res = await post(http.url, headers, body);
    assert.equal(res.status, 400);
    const answer = await res.json();
    assert.equal(answer.error.code, -32600);
    assert.match(answer.error.message, /already running/);
  }
  // a refused batch takes no place: 8 is free
  const eight = await post(http.url, headers, call(8, "eight"));
  assert.equal(eight.status, 200);
  waiting.release();
  assert.match(await first.text(), /"text":"first"/);
  await eight.text();
  // answered, the id may be used again
  const again = await post(http.url, headers, call(7, "again"));
  assert.equal(again.status, 200);
  waiting.release();
  assert.match(await again.text(), /"text":"again"/);
});

Deno.test("Streamable HTTP cancels only what a left stream still owed, not a later request with an id it answered", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const headers = await open(http.url);
  const leaving = new AbortController();
  const ping = { jsonrpc: "2.0", id: 1, method: "ping" };
  const left = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify([ping, call(2, "owed")]),
    signal: leaving.signal,
  });
  const reader = left.body!.getReader();
  await readUntil(reader, '"id":1');
  // id 1 is answered: a new request may use it
  const reused = await post(http.url, headers, call(1, "reused"));
  assert.equal(reused.status, 200);
  leaving.abort();
  await reader.cancel().catch(() => {});
  await waiting.aborted("owed");
  await settled();
  waiting.release();
  assert.match(await reused.text(), /"text":"reused"/);
});

Deno.test("Streamable HTTP frees the places of requests the SDK answers itself with an error", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const headers = await open(http.url);
  // 300 requests, each answered -32601 by the SDK: none keeps a place
  for (let from = 1; from <= 300; from += 100) {
    const unknown = range(from, 100).map((id) => ({ jsonrpc: "2.0", id, method: "no/such" }));
    const res = await post(http.url, headers, unknown);
    assert.equal(res.status, 200);
    assert.equal((await res.text()).match(/"code":-32601/g)?.length, 100);
  }
  const full = await fill(http.url, headers, 1001, 256);
  await assertRefused(await post(http.url, headers, call(2000, "refused")));
  waiting.release();
  await Promise.all(full.map((res) => res.text()));
});
