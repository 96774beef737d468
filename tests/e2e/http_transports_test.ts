import assert from "node:assert/strict";
import { startHttpCoordinator } from "../support/http_coordinator.ts";
import {
  Client,
  SSEClientTransport,
  StreamableHTTPClientTransport,
} from "../support/sdk_client.ts";
import { INITIALIZE_BODY, POST_HEADERS } from "../../src/mcp/http/_testing.ts";

async function connectStreamable(
  url: string,
  headers: Record<string, string> = {},
): Promise<Client> {
  const client = new Client({ name: "e2e-http", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }),
  );
  return client;
}

async function connectSse(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "e2e-sse", version: "1.0.0" });
  await client.connect(
    new SSEClientTransport(new URL(`${url}/sse`), {
      requestInit: { headers },
      eventSourceInit: {
        fetch: (u, init) => fetch(u, { ...init, headers: { ...init?.headers, ...headers } }),
      },
    }),
  );
  return client;
}

Deno.test("HTTP: Streamable HTTP and SSE clients drive the tools; two sessions never see each other's files", async () => {
  await using server = await startHttpCoordinator();
  const a = await connectStreamable(server.url);
  const b = await connectStreamable(server.url);
  const sse = await connectSse(server.url);
  try {
    const tools = await a.listTools();
    assert.ok(tools.tools.length >= 13);
    assert.ok(tools.tools.every((t) => t.outputSchema));

    const w = await a.callTool({
      name: "fs.write",
      arguments: { path: "mine.txt", contents: "from a" },
    });
    assert.equal(w.isError, undefined);
    const readA = await a.callTool({ name: "fs.read", arguments: { path: "mine.txt" } });
    assert.equal((readA.structuredContent as { contents: string }).contents, "from a");

    const readB = await b.callTool({ name: "fs.read", arguments: { path: "mine.txt" } });
    assert.equal(readB.isError, true, "session b must not see session a's file");
    const listB = await b.callTool({ name: "fs.list", arguments: {} });
    assert.deepEqual((listB.structuredContent as { entries: unknown[] }).entries, []);

    const echo = await sse.callTool({ name: "echo", arguments: { message: "over sse" } });
    assert.deepEqual(echo.structuredContent, { message: "over sse" });
    await sse.callTool({ name: "fs.write", arguments: { path: "sse.txt", contents: "s" } });
    const listSse = await sse.callTool({ name: "fs.list", arguments: {} });
    assert.deepEqual(
      (listSse.structuredContent as { entries: { path: string }[] }).entries.map((e) => e.path),
      [
        "sse.txt",
      ],
    );

    const infoA = (await a.callTool({ name: "session.info", arguments: {} })).structuredContent as {
      session_id: string;
    };
    const infoB = (await b.callTool({ name: "session.info", arguments: {} })).structuredContent as {
      session_id: string;
    };
    assert.notEqual(infoA.session_id, infoB.session_id);
  } finally {
    await a.close();
    await b.close();
    await sse.close();
  }
});

Deno.test("HTTP: a bad Origin or Host gets 403 and a missing or wrong bearer token gets 401", async () => {
  await using server = await startHttpCoordinator({ env: { MCP_AUTH_TOKEN: "s3cret-token" } });
  const init = INITIALIZE_BODY;
  const headers = POST_HEADERS;
  const noAuth = await fetch(`${server.url}/mcp`, { method: "POST", headers, body: init });
  assert.equal(noAuth.status, 401);
  await noAuth.body?.cancel();
  const wrong = await fetch(`${server.url}/mcp`, {
    method: "POST",
    headers: { ...headers, authorization: "Bearer nope" },
    body: init,
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const badOrigin = await fetch(`${server.url}/mcp`, {
    method: "POST",
    headers: { ...headers, authorization: "Bearer s3cret-token", origin: "http://evil.example" },
    body: init,
  });
  assert.equal(badOrigin.status, 403);
  await badOrigin.body?.cancel();
  const badSse = await fetch(`${server.url}/sse`, { headers: { origin: "http://evil.example" } });
  assert.equal(badSse.status, 403);
  await badSse.body?.cancel();

  const client = await connectStreamable(server.url, { authorization: "Bearer s3cret-token" });
  try {
    const r = await client.callTool({ name: "echo", arguments: { message: "authorized" } });
    assert.deepEqual(r.structuredContent, { message: "authorized" });
  } finally {
    await client.close();
  }
  // the token never reaches the audit log
  const audit = await Deno.readTextFile(`${server.dir}/audit.jsonl`);
  assert.ok(!audit.includes("s3cret-token"));
  // the operator sees refusals, a caller's 1st, 2nd, 4th... (the 3rd is counted, not logged)
  const refusals = server.log().split("\n").filter((l) => l.includes("Refused an HTTP request"))
    .map((l) => JSON.parse(l).properties as { status: string; count: number });
  assert.deepEqual(refusals.map((p) => [p.status.slice(0, 3), p.count]), [
    ["401", 1],
    ["401", 2],
    ["403", 4],
  ]);
  assert.ok(!server.log().includes("nope"), "a wrong token is not logged");
});

Deno.test("HTTP: a session that never calls a tool is closed once idle past SESSION_MAX_AGE", async () => {
  await using server = await startHttpCoordinator({
    env: { SESSION_MAX_AGE: "1s", CLEANUP_INTERVAL: "200ms" },
  });
  const client = await connectStreamable(server.url);
  try {
    await client.listTools(); // a request, but no tool call
    let closed: unknown;
    for (let i = 0; i < 50 && closed === undefined; i++) {
      await new Promise((r) => setTimeout(r, 200));
      closed = await client.listTools().then(() => undefined, (err) => err);
    }
    assert.match(String(closed), /404|Session not found/);
  } finally {
    await client.close();
  }
});

Deno.test("HTTP: a session that never finishes its handshake is closed once idle, too", async () => {
  await using server = await startHttpCoordinator({
    env: { SESSION_MAX_AGE: "1s", CLEANUP_INTERVAL: "200ms" },
  });
  const opened = await fetch(`${server.url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: INITIALIZE_BODY,
  });
  const id = opened.headers.get("mcp-session-id");
  await opened.body?.cancel();
  assert.ok(id);
  // no notifications/initialized, ever: the session still goes once idle
  let status = 0;
  for (let i = 0; i < 50 && status !== 404; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const ping = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: { ...POST_HEADERS, "mcp-session-id": id },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" }),
    });
    status = ping.status;
    await ping.body?.cancel();
  }
  assert.equal(status, 404);
});
