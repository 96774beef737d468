import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import { POST_HEADERS, readUntil, serverOptions as options } from "./_testing.ts";

function initialize(protocolVersion?: string): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      ...(protocolVersion === undefined ? {} : { protocolVersion }),
      capabilities: {},
      clientInfo: { name: "raw", version: "0.0.0" },
    },
  });
}

/** Opens a session at `version` (initialize, then initialized); its id and headers. */
async function open(url: string, version: string): Promise<Record<string, string>> {
  const init = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: initialize(version),
  });
  assert.equal(init.status, 200);
  await init.body?.cancel();
  const headers = {
    ...POST_HEADERS,
    "mcp-session-id": init.headers.get("mcp-session-id")!,
    "mcp-protocol-version": version,
  };
  const done = await fetch(`${url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  assert.equal(done.status, 202);
  await done.body?.cancel();
  return headers;
}

async function post(
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/mcp`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });

Deno.test("Streamable HTTP takes a batch at protocol version 2025-03-26 and answers each request in it", async () => {
  await using http = await startHttpServer(options());
  const headers = await open(http.url, "2025-03-26");
  const res = await post(http.url, headers, [ping(2), ping(3)]);
  assert.equal(res.status, 200);
  assert.match(res.text, /"id":2\}/);
  assert.match(res.text, /"id":3\}/);
  // without the header MCP says to assume 2025-03-26
  const { "mcp-protocol-version": _, ...noVersion } = headers;
  assert.equal((await post(http.url, noVersion, [ping(4)])).status, 200);
});

Deno.test("Streamable HTTP refuses a batch at every protocol version but 2025-03-26, and an empty batch, with -32600", async () => {
  await using http = await startHttpServer(options());
  for (const version of ["2024-11-05", "2025-06-18", "2025-11-25"]) {
    const headers = await open(http.url, version);
    const res = await post(http.url, headers, [ping(2), ping(3)]);
    assert.equal(res.status, 400, version);
    const error = JSON.parse(res.text).error;
    assert.equal(error.code, -32600);
    assert.match(error.message, new RegExp(`not supported at protocol version ${version} `));
    // a single message still goes through
    assert.equal((await post(http.url, headers, ping(4))).status, 200);
  }
  const old = await open(http.url, "2025-03-26");
  const empty = await post(http.url, old, []);
  assert.deepEqual([empty.status, JSON.parse(empty.text).error.code], [400, -32600]);
});

Deno.test("Streamable HTTP answers JSON that is no JSON-RPC message with -32600 saying why, not a parse error", async () => {
  await using http = await startHttpServer(options());
  const headers = await open(http.url, "2025-06-18");
  // each with the id the answer carries: the message's own when it can be read
  const cases: [unknown, RegExp, string | number | null][] = [
    [{ jsonrpc: "2.0", id: null, method: "ping" }, /"id" must be a string or an integer/, null],
    [{ jsonrpc: "1.0", id: 5, method: "ping" }, /"jsonrpc" must be "2.0"/, 5],
    [{ hello: 1 }, /Invalid request/, null],
    [42, /not a JSON object/, null],
    [{ jsonrpc: "2.0", id: 6, method: "ping", extra: 1 }, /unknown member "extra"/, 6],
    [{ jsonrpc: "2.0", id: 7, method: "ping", params: { _meta: 5 } }, /"params._meta" must be/, 7],
    [
      { jsonrpc: "2.0", id: 8, method: "tools/call", params: { _meta: { progressToken: {} } } },
      /"params._meta" must be/,
      8,
    ],
    [{ jsonrpc: "2.0", id: "nine" }, /no "method" .*nor "result" or "error"/, "nine"],
  ];
  for (const [body, message, id] of cases) {
    const res = await post(http.url, headers, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    const answer = JSON.parse(res.text);
    assert.equal(answer.error.code, -32600, JSON.stringify(body));
    assert.match(answer.error.message, message);
    assert.equal(answer.id, id, JSON.stringify(body));
  }
  const notJson = await fetch(`${http.url}/mcp`, { method: "POST", headers, body: "{oops" });
  assert.deepEqual([notJson.status, (await notJson.json()).error.code], [400, -32700]);
});

Deno.test("Streamable HTTP answers an initialize without protocolVersion as invalid params", async () => {
  await using http = await startHttpServer(options());
  const res = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: initialize(undefined),
  });
  assert.equal(res.status, 400);
  const error = (await res.json()).error;
  assert.equal(error.code, -32602);
  assert.match(error.message, /initialize: protocolVersion/);
  assert.equal(http.sessionCount(), 0);
});

Deno.test("Streamable HTTP refuses a batch over 100 messages with 400 -32600, however large, in an idle session", async () => {
  await using http = await startHttpServer(options());
  const headers = await open(http.url, "2025-03-26");
  const pings = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ping(from + i));
  for (const count of [101, 257, 300]) {
    const res = await post(http.url, headers, pings(1000 * count, count));
    assert.equal(res.status, 400, String(count));
    assert.deepEqual(JSON.parse(res.text).error, {
      code: -32600,
      message: `Invalid request: a batch of ${count} messages is over the limit of 100`,
    });
  }
  // a batch of 100 is taken, and its places were never held by the ones refused
  const full = await post(http.url, headers, pings(1, 100));
  assert.equal(full.status, 200);
  assert.equal(full.text.match(/"id":\d+\}/g)?.length, 100);
});

Deno.test("Legacy SSE refuses a batch of any size with 400 -32600, never 429", async () => {
  await using http = await startHttpServer(options());
  const stream = await fetch(`${http.url}/sse`);
  const reader = stream.body!.getReader();
  const endpoint = /data: (\S+)/.exec(await readUntil(reader, "\n\n"))?.[1];
  assert.ok(endpoint !== undefined);
  for (const count of [2, 300]) {
    const res: Response = await fetch(`${http.url}${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(Array.from({ length: count }, (_, i) => ping(i + 1))),
    });
    assert.equal(res.status, 400, String(count));
    const error = (await res.json()).error;
    assert.equal(error.code, -32600);
    assert.match(error.message, /batches are not supported over HTTP\+SSE/);
  }
  await reader.cancel();
});
