import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import { McpServer } from "../sdk.ts";
import {
  INITIALIZE_BODY,
  POST_HEADERS,
  readUntil,
  serverOptions as options,
  sessionClosures,
} from "./_testing.ts";

const MiB = 1024 * 1024;

/** What the `flood` tool did: how many events it sent, and whether it was cancelled. */
interface Flood {
  sent: number;
  aborted: boolean;
  ended: Promise<void>;
}

/**
 * A server whose `flood` tool sends `count` events of `size` bytes as the coordinator's
 * calls do: run output as logging notifications (on the GET stream) and progress on the
 * call's own stream. With `yieldEach`, the events come one per turn of the event loop, as
 * a worker's do.
 */
function floodServer(count: number, size: number, yieldEach = false) {
  const floods: Flood[] = [];
  function createServer(): McpServer {
    const server = new McpServer({ name: "flood", version: "0.0.0" }, {
      capabilities: { logging: {} },
    });
    server.registerTool("flood", { description: "Sends many events" }, async (extra) => {
      const done = Promise.withResolvers<void>();
      const flood: Flood = { sent: 0, aborted: false, ended: done.promise };
      floods.push(flood);
      const data = "x".repeat(size);
      const token = extra._meta?.progressToken;
      try {
        for (let i = 0; i < count && !extra.signal.aborted; i++) {
          await server.sendLoggingMessage({ level: "info", data });
          if (token !== undefined) {
            await extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress: i, message: data },
            });
          }
          flood.sent++;
          if (yieldEach) await new Promise((resolve) => setTimeout(resolve, 0));
        }
        flood.aborted = extra.signal.aborted;
      } finally {
        done.resolve();
      }
      return { content: [{ type: "text", text: `sent ${flood.sent}` }] };
    });
    return server;
  }
  return { floods, createServer };
}

/** A raw Streamable HTTP session: initialized, with the headers its requests need. */
async function openSession(url: string): Promise<Record<string, string>> {
  const init = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: INITIALIZE_BODY,
  });
  await init.text();
  const headers = {
    ...POST_HEADERS,
    "mcp-session-id": init.headers.get("mcp-session-id") ?? "",
    "mcp-protocol-version": "2025-06-18",
  };
  const initialized = JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" });
  await (await fetch(`${url}/mcp`, { method: "POST", headers, body: initialized })).text();
  return headers;
}

function callFlood(url: string, headers: Record<string, string>, id: number, progress = false) {
  const params = {
    name: "flood",
    arguments: {},
    ...(progress ? { _meta: { progressToken: id } } : {}),
  };
  return fetch(`${url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params }),
  });
}

/** Reads until the stream ends or `atMost` bytes came; returns the bytes and the text. */
async function readBody(reader: ReadableStreamDefaultReader<Uint8Array>, atMost: number) {
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = "";
  try {
    while (bytes < atMost) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return { bytes, text };
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

Deno.test("An unread GET /mcp stream ends past maxBufferedBytes instead of holding every event", async () => {
  // 48 MiB of run output against a bound of 1 MiB
  const { floods, createServer } = floodServer(768, 64 * 1024);
  await using http = await startHttpServer(options({ createServer, maxBufferedBytes: MiB }));
  const headers = await openSession(http.url);
  const get = await fetch(`${http.url}/mcp`, {
    headers: { ...headers, accept: "text/event-stream" },
  });
  assert.equal(get.status, 200);
  // nobody reads the GET stream while the call runs
  const call = await callFlood(http.url, headers, 2);
  assert.match(await call.text(), /sent 768/);
  assert.equal(floods[0]?.sent, 768);
  // The client reads at last: what reaches it is the bound and what the sockets held, then
  // the end; without the bound every event waited for it, 48 MiB.
  const { bytes } = await readBody(get.body!.getReader(), 48 * MiB);
  assert.ok(bytes < 16 * MiB, `${bytes} bytes waited for the client`);
  // the session lives on, and a new GET stream may be opened
  const again = await fetch(`${http.url}/mcp`, {
    headers: { ...headers, accept: "text/event-stream" },
  });
  assert.equal(again.status, 200);
  await again.body?.cancel();
  assert.equal(http.sessionCount(), 1);
});

Deno.test("An unread POST /mcp stream ends past maxBufferedBytes and its call is cancelled", async () => {
  // progress events of 32 KiB, up to 32 MiB of them, against a bound of 1 MiB
  const { floods, createServer } = floodServer(1024, 32 * 1024);
  await using http = await startHttpServer(options({ createServer, maxBufferedBytes: MiB }));
  const headers = await openSession(http.url);
  const call = await callFlood(http.url, headers, 7, true);
  assert.equal(call.headers.get("content-type"), "text/event-stream");
  const flood = floods[0]!;
  await flood.ended;
  assert.equal(flood.aborted, true, `the call ran on after its stream ended (${flood.sent} sent)`);
  assert.ok(flood.sent < 1024);
  const { bytes, text } = await readBody(call.body!.getReader(), 32 * MiB);
  assert.ok(bytes < 16 * MiB, `${bytes} bytes waited for the client`);
  assert.doesNotMatch(text, /"result"/);
  // its last event answers the call with why, so the client does not wait for its timeout
  const events = text.split("\n").filter((line) => line.startsWith("data: "));
  const last = JSON.parse(events[events.length - 1]!.slice(6));
  assert.equal(last.id, 7);
  assert.equal(last.error?.code, -32000);
  assert.match(last.error?.message, /event stream was ended/);
  // the session is still usable: the next call is answered
  const next = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 8, method: "tools/list", params: {} }),
  });
  assert.match(await next.text(), /"flood"/);
});

Deno.test("Unread POST /mcp streams of many sessions hold at most maxBufferedBytesTotal together", async () => {
  // each call sends 32 MiB of progress, under its stream's own bound of 48 MiB (sockets
  // take several of them); four sessions that never read would hold far more than 40 MiB
  const { floods, createServer } = floodServer(1024, 32 * 1024);
  await using http = await startHttpServer(
    options({ createServer, maxBufferedBytes: 48 * MiB, maxBufferedBytesTotal: 40 * MiB }),
  );
  const calls = [];
  for (let i = 0; i < 4; i++) {
    calls.push(await callFlood(http.url, await openSession(http.url), 10 + i, true));
  }
  for (let i = 0; i < 100 && floods.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
  await Promise.all(floods.map((flood) => flood.ended));
  // the streams that held the most were ended, with why as their answer
  const bodies = await Promise.all(calls.map((call) => readBody(call.body!.getReader(), 64 * MiB)));
  const ended = bodies.filter(({ text }) => /streams of all clients held more than/.test(text));
  assert.ok(ended.length >= 1, "no stream was ended");
  const read = bodies.reduce((sum, { bytes }) => sum + bytes, 0);
  assert.ok(read < 100 * MiB, `${read} bytes waited for the clients`);
});

Deno.test("A client that reads its /mcp streams gets every event, past maxBufferedBytes in all", async () => {
  // 300 events of 4 KiB on each stream, 64 at most waiting at a time
  const { createServer } = floodServer(300, 4096, true);
  await using http = await startHttpServer(options({ createServer, maxBufferedBytes: 256 * 1024 }));
  const headers = await openSession(http.url);
  const get = await fetch(`${http.url}/mcp`, {
    headers: { ...headers, accept: "text/event-stream" },
  });
  const reader = get.body!.getReader();
  const decoder = new TextDecoder();
  let logged = "";
  const readLogs = (async () => {
    // bounded: each read brings at least one byte of the 300 events
    for (let i = 0; i < 300 * 5000 && count(logged, "notifications/message") < 300; i++) {
      const { done, value } = await reader.read();
      if (done) break;
      logged += decoder.decode(value, { stream: true });
    }
  })();
  const call = await callFlood(http.url, headers, 3, true);
  const answer = await call.text();
  await readLogs;
  await reader.cancel();
  assert.equal(count(answer, "notifications/progress"), 300);
  assert.match(answer, /sent 300/);
  assert.equal(count(logged, "notifications/message"), 300);
});

Deno.test("An unread GET /sse stream past maxBufferedBytes closes its legacy session", async () => {
  const { floods, createServer } = floodServer(768, 64 * 1024);
  const closed = sessionClosures();
  await using http = await startHttpServer(options({
    createServer,
    maxBufferedBytes: MiB,
    onSessionClosed: closed.onSessionClosed,
  }));
  const stream = await fetch(`${http.url}/sse`);
  const reader = stream.body!.getReader();
  const endpoint = /data: (\S+)/.exec(await readUntil(reader, "\n\n"))?.[1];
  const post = (message: unknown) =>
    fetch(`${http.url}${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(message),
    });
  await (await post(JSON.parse(INITIALIZE_BODY))).text();
  await (await post({ jsonrpc: "2.0", method: "notifications/initialized" })).text();
  // the answer to initialize waits unread too; then 48 MiB of run output
  const call = await post({
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: { name: "flood", arguments: {} },
  });
  assert.equal(call.status, 202);
  await closed.waitFor(1);
  await floods[0]?.ended;
  assert.equal(floods[0]?.aborted, true);
  const after = await post({ jsonrpc: "2.0", id: 3, method: "tools/list", params: {} });
  assert.equal(after.status, 404);
  await after.body?.cancel();
  const { bytes } = await readBody(reader, 48 * MiB);
  assert.ok(bytes < 16 * MiB, `${bytes} bytes waited for the client`);
});
