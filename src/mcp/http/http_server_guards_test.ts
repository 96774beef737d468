import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import type { HttpServerOptions } from "./types.ts";
import {
  connectSse,
  connectStreamable,
  echoServerFactory,
  firstText,
  INITIALIZE_BODY,
  POST_HEADERS,
  rawStatus,
  serverOptions,
} from "./_testing.ts";

const TOKEN = "s3cret-token-for-tests";

function options(overrides: Partial<HttpServerOptions> = {}): HttpServerOptions {
  return serverOptions({ maxRequestBytes: 4096, ...overrides });
}

function ipv6LoopbackWorks(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test("a Host header that is not loopback or allowed gets 403 on every route", async () => {
  await using http = await startHttpServer(options({ allowedHosts: ["mcp.internal:8443"] }));
  const statuses = [];
  for (const host of ["evil.example", `evil.example:${http.port}`, "localhost.evil.example"]) {
    statuses.push(await rawStatus(http.port, `GET /sse HTTP/1.1\r\nhost: ${host}`));
    statuses.push(await rawStatus(http.port, `GET /nowhere HTTP/1.1\r\nhost: ${host}`));
  }
  assert.deepEqual(statuses, [403, 403, 403, 403, 403, 403]);
  // Allowed names pass the guard (and then reach the router: 404 for an unknown path).
  for (const host of [`localhost:${http.port}`, "[::1]", "MCP.internal"]) {
    assert.equal(await rawStatus(http.port, `GET /nowhere HTTP/1.1\r\nhost: ${host}`), 404);
  }
  assert.equal(http.sessionCount(), 0);
});

Deno.test("an Origin that is not loopback or allowed gets 403 before a session exists", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  for (const origin of ["https://evil.example", "null", "http://127.0.0.1.evil.example"]) {
    const res = await fetch(`${http.url}/mcp`, {
      method: "POST",
      headers: { ...POST_HEADERS, origin },
      body: INITIALIZE_BODY,
    });
    assert.equal(res.status, 403, origin);
    const { error } = await res.json();
    assert.match(error.message, /Origin .* is not allowed/);
    assert.equal(error.code, -32000);
  }
  assert.equal(factory.infos.length, 0);
  const client = await connectStreamable(http.url, { origin: "http://localhost:3000" });
  await client.client.close();
});

Deno.test("with an auth token, a missing or wrong bearer gets 401 with WWW-Authenticate", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({
    authToken: TOKEN,
    createServer: factory.createServer,
  }));
  for (const authorization of [undefined, "Bearer wrong", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
    const headers: Record<string, string> = { ...POST_HEADERS };
    if (authorization !== undefined) headers.authorization = authorization;
    const res = await fetch(`${http.url}/mcp`, { method: "POST", headers, body: INITIALIZE_BODY });
    assert.equal(res.status, 401, String(authorization));
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.equal((await res.json()).error.code, -32000);
  }
  const sse = await fetch(`${http.url}/sse`);
  assert.equal(sse.status, 401);
  await sse.body?.cancel();
  await assert.rejects(connectStreamable(http.url));
  assert.equal(factory.infos.length, 0);
});

Deno.test("the right bearer token works through both SDK client transports", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({
    authToken: TOKEN,
    createServer: factory.createServer,
  }));
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const streamable = await connectStreamable(http.url, headers);
  const sse = await connectSse(http.url, headers);
  try {
    const a = await streamable.client.callTool({ name: "echo", arguments: { message: "a" } });
    const b = await sse.callTool({ name: "echo", arguments: { message: "b" } });
    assert.equal(firstText(a), `${factory.infos[0]?.sessionId}:a`);
    assert.equal(firstText(b), `${factory.infos[1]?.sessionId}:b`);
    assert.match(factory.infos[0]?.principal ?? "", /^bearer:[0-9a-f]{12}$/);
    assert.equal(factory.infos[1]?.principal, factory.infos[0]?.principal);
  } finally {
    await streamable.client.close();
    await sse.close();
  }
});

// The JSON-RPC code of a refusal's body: a too-large body is refused, not malformed JSON.
async function errorCode(res: Response): Promise<number> {
  return (await res.json()).error.code;
}

Deno.test("a body over maxRequestBytes gets 413 and -32000, whether declared or streamed", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({
    maxRequestBytes: 1024,
    createServer: factory.createServer,
  }));
  const big = JSON.stringify({ pad: "x".repeat(2048) });
  const declared = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: big,
  });
  assert.equal(declared.status, 413);
  assert.equal(await errorCode(declared), -32000);
  // A streamed body carries no Content-Length: the limit holds while reading.
  const chunks = [new TextEncoder().encode(big.slice(0, 1000)), new TextEncoder().encode(big)];
  const streamed = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: ReadableStream.from(chunks),
  });
  assert.equal(streamed.status, 413);
  assert.equal(await errorCode(streamed), -32000);
  const stream = await fetch(`${http.url}/sse`);
  const id = factory.infos[0]?.sessionId;
  const message = await fetch(`${http.url}/messages?sessionId=${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: big,
  });
  assert.equal(message.status, 413);
  assert.equal(await errorCode(message), -32000);
  await stream.body?.cancel();
  assert.equal(factory.infos.length, 1);
});

Deno.test({
  name: "a session id presented by another principal gets 404 on both transports",
  ignore: !ipv6LoopbackWorks(),
  async fn() {
    const factory = echoServerFactory();
    // Bound to every address: the IPv4 and IPv6 loopback callers are different principals.
    await using http = await startHttpServer(options({
      host: "::",
      createServer: factory.createServer,
    }));
    const v4 = `http://127.0.0.1:${http.port}`;
    const v6 = `http://[::1]:${http.port}`;
    const owner = await connectStreamable(v4);
    const legacy = await fetch(`${v4}/sse`);
    try {
      const id = owner.transport.sessionId!;
      const stolen = await fetch(`${v6}/mcp`, {
        method: "POST",
        headers: { ...POST_HEADERS, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
      });
      assert.equal(stolen.status, 404);
      await stolen.body?.cancel();
      const legacyId = factory.infos[1]?.sessionId;
      const stolenLegacy = await fetch(`${v6}/messages?sessionId=${legacyId}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      });
      assert.equal(stolenLegacy.status, 404);
      await stolenLegacy.body?.cancel();
      // The owner still gets through.
      assert.equal((await owner.client.listTools()).tools.length, 1);
    } finally {
      await legacy.body?.cancel();
      await owner.client.close();
    }
  },
});

Deno.test("publicRoutes answer before the guards, and unknown paths and methods are refused", async () => {
  await using http = await startHttpServer(options({
    authToken: TOKEN,
    publicRoutes: (req) =>
      new URL(req.url).pathname === "/healthz" ? new Response("ok") : undefined,
  }));
  assert.equal(await rawStatus(http.port, "GET /healthz HTTP/1.1\r\nhost: evil.example"), 200);
  assert.equal(await rawStatus(http.port, "GET /other HTTP/1.1\r\nhost: localhost"), 401);
  const auth = `\r\nhost: localhost\r\nauthorization: Bearer ${TOKEN}`;
  assert.equal(await rawStatus(http.port, `GET /other HTTP/1.1${auth}`), 404);
  assert.equal(await rawStatus(http.port, `PUT /mcp HTTP/1.1${auth}`, "{}"), 405);
  assert.equal(await rawStatus(http.port, `POST /sse HTTP/1.1${auth}`, "{}"), 405);
  assert.equal(await rawStatus(http.port, `GET /mcp HTTP/1.1${auth}`), 400);
});
