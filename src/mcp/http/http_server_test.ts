import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import {
  connectSse,
  connectStreamable,
  echoServerFactory,
  firstText,
  INITIALIZE_BODY,
  POST_HEADERS,
  readUntil,
  serverOptions as options,
} from "./_testing.ts";

Deno.test("startHttpServer serves initialize, tools/list and tools/call over Streamable HTTP", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  assert.equal(http.url, `http://127.0.0.1:${http.port}`);
  const { client, transport } = await connectStreamable(http.url);
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ["echo"]);
    const result = await client.callTool({ name: "echo", arguments: { message: "hi" } });
    assert.equal(firstText(result), `${transport.sessionId}:hi`);
    assert.equal(factory.infos.length, 1);
    assert.deepEqual(factory.infos[0], {
      sessionId: transport.sessionId,
      principal: "anonymous@127.0.0.1",
      transport: "streamable-http",
    });
    assert.equal(http.sessionCount(), 1);
  } finally {
    await client.close();
  }
});

Deno.test("startHttpServer gives each Streamable HTTP client its own session and server", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  const a = await connectStreamable(http.url);
  const b = await connectStreamable(http.url);
  try {
    assert.notEqual(a.transport.sessionId, b.transport.sessionId);
    assert.deepEqual(
      factory.infos.map((i) => i.sessionId),
      [a.transport.sessionId, b.transport.sessionId],
    );
    const text = firstText(await b.client.callTool({ name: "echo", arguments: { message: "b" } }));
    assert.equal(text, `${b.transport.sessionId}:b`);
    assert.equal(http.sessionCount(), 2);
  } finally {
    await a.client.close();
    await b.client.close();
  }
});

Deno.test("DELETE /mcp ends the session, reports it closed, and the id then gets 404", async () => {
  const closed: string[] = [];
  await using http = await startHttpServer(
    options({ onSessionClosed: (id) => void closed.push(id) }),
  );
  const { client, transport } = await connectStreamable(http.url);
  const id = transport.sessionId!;
  await transport.terminateSession();
  await client.close();
  assert.deepEqual(closed, [id]);
  assert.equal(http.sessionCount(), 0);
  const res = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: { ...POST_HEADERS, "mcp-session-id": id },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
  });
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.jsonrpc, "2.0");
  assert.equal(body.error.message, "Session not found; send initialize to start a new session");
});

Deno.test("DELETE /mcp answers once the session's ending is done, so its worker slot is free", async () => {
  let ended = false;
  await using http = await startHttpServer(
    options({
      // the workspace and slot are freed a moment after the transport closes
      onSessionClosed: () => new Promise((r) => setTimeout(r, 300)).then(() => void (ended = true)),
    }),
  );
  const { client, transport } = await connectStreamable(http.url);
  const started = performance.now();
  await transport.terminateSession();
  assert.equal(ended, true, "DELETE answered before the session had ended");
  assert.ok(performance.now() - started >= 250);
  await client.close();
});

Deno.test("closeSession ends one session and calls onSessionClosed once", async () => {
  const closed: string[] = [];
  await using http = await startHttpServer(
    options({ onSessionClosed: (id) => void closed.push(id) }),
  );
  const a = await connectStreamable(http.url);
  const b = await connectStreamable(http.url);
  try {
    await http.closeSession(a.transport.sessionId!);
    await http.closeSession(a.transport.sessionId!);
    await http.closeSession("no-such-session");
    assert.deepEqual(closed, [a.transport.sessionId]);
    assert.equal(http.sessionCount(), 1);
    await assert.rejects(a.client.listTools());
    assert.equal((await b.client.listTools()).tools.length, 1);
  } finally {
    await a.client.close();
    await b.client.close();
  }
});

Deno.test("a session closed with a reason answers 404 saying why, to its owner, on both transports", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  const streamable = await connectStreamable(http.url);
  const sse = await connectSse(http.url);
  try {
    const sseId = factory.infos.find((i) => i.transport === "sse")!.sessionId;
    const reason = "it expired after 30m without use and its files were removed";
    await http.closeSession(streamable.transport.sessionId!, { reason });
    await http.closeSession(sseId, { reason });
    const message =
      /^Session not found: it expired after 30m without use and its files were removed; send initialize to start a new session$/;
    const body = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    const answers = [
      await fetch(`${http.url}/mcp`, {
        method: "POST",
        headers: { ...POST_HEADERS, "mcp-session-id": streamable.transport.sessionId! },
        body,
      }),
      await fetch(`${http.url}/messages?sessionId=${sseId}`, {
        method: "POST",
        headers: POST_HEADERS,
        body,
      }),
    ];
    for (const res of answers) {
      assert.equal(res.status, 404, "404 still: the client initializes a new session");
      const { error } = await res.json();
      assert.equal(error.code, -32001);
      assert.match(error.message, message);
    }
    // the SDK client shows the reason too
    await assert.rejects(streamable.client.listTools(), /expired after 30m without use/);
  } finally {
    await streamable.client.close();
    await sse.close();
  }
});

Deno.test("a POST to /mcp without a session id that is not initialize gets 400", async () => {
  await using http = await startHttpServer(options());
  const res = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  assert.equal(res.status, 400);
  await res.body?.cancel();
  assert.equal(http.sessionCount(), 0);
});

Deno.test("an initialize the transport refuses leaves no session behind", async () => {
  const closed: string[] = [];
  await using http = await startHttpServer(
    options({ onSessionClosed: (id) => void closed.push(id) }),
  );
  const res = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: INITIALIZE_BODY,
  });
  assert.equal(res.status, 406);
  await res.body?.cancel();
  assert.equal(http.sessionCount(), 0);
  assert.equal(closed.length, 1);
});

Deno.test("startHttpServer refuses a session beyond maxSessions with 503", async () => {
  await using http = await startHttpServer(options({ maxSessions: 1 }));
  const a = await connectStreamable(http.url);
  try {
    const res = await fetch(`${http.url}/mcp`, {
      method: "POST",
      headers: POST_HEADERS,
      body: INITIALIZE_BODY,
    });
    assert.equal(res.status, 503);
    await res.body?.cancel();
    const sse = await fetch(`${http.url}/sse`);
    assert.equal(sse.status, 503);
    await sse.body?.cancel();
  } finally {
    await a.client.close();
  }
});

Deno.test("close() ends every session, including an open GET stream, and stops listening", async () => {
  const closed: string[] = [];
  const http = await startHttpServer(options({ onSessionClosed: (id) => void closed.push(id) }));
  const { client, transport } = await connectStreamable(http.url);
  await client.listTools();
  const id = transport.sessionId!;
  // The SDK client holds the session's GET stream open: a second one is refused. close()
  // only returns once the server has ended it (shutdown waits for open responses).
  const second = await fetch(`${http.url}/mcp`, {
    headers: { accept: "text/event-stream", "mcp-session-id": id },
  });
  assert.equal(second.status, 409);
  await second.body?.cancel();
  await http.close();
  await http.close();
  assert.deepEqual(closed, [id]);
  assert.equal(http.sessionCount(), 0);
  await client.close();
  await assert.rejects(fetch(`${http.url}/mcp`));
});

Deno.test("GET /mcp opens the session's stream for messages the server starts", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  const init = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: INITIALIZE_BODY,
  });
  const id = init.headers.get("mcp-session-id")!;
  await init.body?.cancel();
  const stream = await fetch(`${http.url}/mcp`, {
    headers: { accept: "text/event-stream", "mcp-session-id": id },
  });
  const reader = stream.body!.getReader();
  try {
    assert.equal(stream.status, 200);
    factory.servers[0]?.sendToolListChanged();
    const text = await readUntil(reader, "list_changed");
    assert.match(text, /"method":"notifications\/tools\/list_changed"/);
  } finally {
    await reader.cancel();
  }
});

Deno.test("after drain() a new session is refused with 503 saying why; an open one is still served", async () => {
  await using http = await startHttpServer(options());
  const { client } = await connectStreamable(http.url);
  try {
    http.drain();
    const res = await fetch(`${http.url}/mcp`, {
      method: "POST",
      headers: POST_HEADERS,
      body: INITIALIZE_BODY,
    });
    assert.equal(res.status, 503);
    assert.match(
      await res.text(),
      /Server is shutting down: it finishes the calls already running/,
    );
    const sse = await fetch(`${http.url}/sse`);
    assert.equal(sse.status, 503);
    await sse.body?.cancel();
    const result = await client.callTool({ name: "echo", arguments: { message: "still" } });
    assert.match(firstText(result), /:still$/);
  } finally {
    await client.close();
  }
});
