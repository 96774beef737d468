import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import {
  echoServerFactory,
  INITIALIZE_BODY,
  POST_HEADERS,
  serverOptions as options,
} from "./_testing.ts";

const INITIALIZE = JSON.parse(INITIALIZE_BODY);

async function postInitialize(url: string, body: unknown) {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, session: res.headers.get("mcp-session-id"), text };
}

Deno.test("an initialize without an id gets 400 -32600 and opens no session", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  const { id: _, ...notification } = INITIALIZE;
  for (let i = 0; i < 3; i++) {
    const res = await postInitialize(http.url, notification);
    assert.deepEqual([res.status, res.session], [400, null]);
    const error = JSON.parse(res.text).error;
    assert.equal(error.code, -32600);
    assert.equal(
      error.message,
      "Invalid request: initialize must be a request with an id, not a notification",
    );
  }
  assert.equal(http.sessionCount(), 0);
  assert.equal(factory.infos.length, 0);
  // with its id the same initialize opens one
  assert.equal((await postInitialize(http.url, INITIALIZE)).status, 200);
  assert.equal(http.sessionCount(), 1);
});

Deno.test("an initialize whose envelope is malformed gets 400 -32600 saying why, as in a session", async () => {
  const factory = echoServerFactory();
  await using http = await startHttpServer(options({ createServer: factory.createServer }));
  const { jsonrpc: _, ...noVersion } = INITIALIZE;
  const id = /"id" must be a string or an integer/;
  const version = /"jsonrpc" must be "2.0"/;
  const cases: [unknown, RegExp][] = [
    [{ ...INITIALIZE, id: null }, id],
    [{ ...INITIALIZE, id: {} }, id],
    [{ ...INITIALIZE, id: 1.5 }, id],
    [{ ...INITIALIZE, id: true }, id],
    [{ ...INITIALIZE, jsonrpc: "1.0" }, version],
    [noVersion, version],
    [{ ...INITIALIZE, extra: 1 }, /unknown member "extra"/],
  ];
  for (const [body, message] of cases) {
    const res = await postInitialize(http.url, body);
    assert.deepEqual([res.status, res.session], [400, null], JSON.stringify(body));
    const error = JSON.parse(res.text).error;
    assert.equal(error.code, -32600, JSON.stringify(body));
    assert.match(error.message, message);
  }
  assert.equal(http.sessionCount(), 0);
  assert.equal(factory.infos.length, 0);
});
