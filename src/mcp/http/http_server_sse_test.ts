import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import {
  connectSse,
  echoServerFactory,
  firstText,
  readUntil,
  serverOptions as options,
  sessionClosures,
} from "./_testing.ts";

Deno.test("startHttpServer serves initialize, tools/list and tools/call over legacy SSE", async () => {
  const factory = echoServerFactory();
  const closed = sessionClosures();
  await using http = await startHttpServer(options({
    createServer: factory.createServer,
    onSessionClosed: closed.onSessionClosed,
  }));
  const client = await connectSse(http.url);
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ["echo"]);
    const [info] = factory.infos;
    assert.equal(info?.transport, "sse");
    assert.equal(info?.principal, "anonymous@127.0.0.1");
    const result = await client.callTool({ name: "echo", arguments: { message: "old" } });
    assert.equal(firstText(result), `${info?.sessionId}:old`);
    assert.equal(http.sessionCount(), 1);
  } finally {
    await client.close();
  }
  // The client going away is the only way a legacy session ends.
  await closed.waitFor(1);
  assert.deepEqual(closed.ids, [factory.infos[0]?.sessionId]);
  assert.equal(http.sessionCount(), 0);
});

Deno.test("GET /sse sends the message endpoint first, and two streams are two sessions", async () => {
  const factory = echoServerFactory();
  const closed = sessionClosures();
  await using http = await startHttpServer(options({
    createServer: factory.createServer,
    onSessionClosed: closed.onSessionClosed,
  }));
  const first = await fetch(`${http.url}/sse`);
  const second = await fetch(`${http.url}/sse`);
  try {
    assert.equal(first.headers.get("content-type"), "text/event-stream");
    const reader = first.body!.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    const text = new TextDecoder().decode(value);
    assert.equal(
      text,
      `event: endpoint\ndata: /messages?sessionId=${factory.infos[0]?.sessionId}\n\n`,
    );
    assert.equal(factory.infos.length, 2);
    assert.notEqual(factory.infos[0]?.sessionId, factory.infos[1]?.sessionId);
  } finally {
    await first.body?.cancel();
    await second.body?.cancel();
  }
  await closed.waitFor(2);
  assert.equal(http.sessionCount(), 0);
});

Deno.test("POST /messages takes one message with 202 and refuses bad input", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  const stream = await fetch(`${http.url}/sse`);
  try {
    const id = factory.infos[0]?.sessionId;
    const post = (query: string, body: string) =>
      fetch(`${http.url}/messages${query}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    const ping = JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" });
    const accepted = await post(`?sessionId=${id}`, ping);
    assert.equal(accepted.status, 202);
    await accepted.body?.cancel();
    const statuses = [];
    for (
      const [query, body] of [
        ["", ping],
        ["?sessionId=unknown", ping],
        [`?sessionId=${id}`, "{not json"],
        [`?sessionId=${id}`, JSON.stringify({ hello: 1 })],
      ]
    ) {
      const res = await post(query!, body!);
      statuses.push([res.status, (await res.json()).error.code]);
    }
    // only a body that is not JSON is a parse error; a missing parameter is a refusal
    assert.deepEqual(statuses, [[400, -32000], [404, -32001], [400, -32700], [400, -32600]]);
    const wrongMethod = await fetch(`${http.url}/messages?sessionId=${id}`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    assert.equal((await wrongMethod.json()).error.code, -32000);
  } finally {
    await stream.body?.cancel();
  }
});

Deno.test("close() ends open legacy SSE streams and calls onSessionClosed", async () => {
  const closed: string[] = [];
  const http = await startHttpServer(options({ onSessionClosed: (id) => void closed.push(id) }));
  const client = await connectSse(http.url);
  await client.listTools();
  await http.close();
  assert.equal(closed.length, 1);
  assert.equal(http.sessionCount(), 0);
  await client.close();
});

Deno.test("GET /sse carries messages the server starts as message events", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  const stream = await fetch(`${http.url}/sse`);
  const reader = stream.body!.getReader();
  try {
    await readUntil(reader, "event: endpoint");
    factory.servers[0]?.sendToolListChanged();
    const text = await readUntil(reader, "list_changed");
    assert.equal(
      text,
      'event: message\ndata: {"method":"notifications/tools/list_changed","jsonrpc":"2.0"}\n\n',
    );
  } finally {
    await reader.cancel();
  }
});
