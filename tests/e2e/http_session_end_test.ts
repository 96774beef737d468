import assert from "node:assert/strict";
import {
  sessionWorkspaces as workspaces,
  startHttpCoordinator,
} from "../support/http_coordinator.ts";
import { INITIALIZE_BODY, POST_HEADERS } from "../../src/mcp/http/_testing.ts";

async function activeSessions(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("codegen_active_sessions "));
  return Number(line?.split(" ")[1] ?? NaN);
}

/** Opens a Streamable HTTP session with a raw initialize; returns its headers. */
async function initialize(url: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: INITIALIZE_BODY,
  });
  await res.body?.cancel();
  const id = res.headers.get("mcp-session-id");
  assert.ok(id, `initialize answered ${res.status}`);
  return { ...POST_HEADERS, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" };
}

Deno.test("HTTP: a DELETE racing a tool call leaves no session and no workspace behind", async () => {
  await using server = await startHttpCoordinator();
  for (let i = 0; i < 40; i++) {
    const headers = await initialize(server.url);
    // a few calls, so some are still on their way in when the DELETE closes the session
    const calls = [2, 3, 4].map((id) =>
      fetch(`${server.url}/mcp`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: { name: "fs.write", arguments: { path: `${id}.txt`, contents: "x" } },
        }),
      }).then((r) => r.body?.cancel(), () => {})
    );
    const del = fetch(`${server.url}/mcp`, { method: "DELETE", headers })
      .then((r) => r.body?.cancel(), () => {});
    await Promise.all([...calls, del]);
  }
  // closing a session finishes after its DELETE is answered: wait for it, bounded
  let left = NaN;
  let dirs: string[] = [];
  for (let i = 0; i < 100; i++) {
    left = await activeSessions(server.url);
    dirs = await workspaces(server.dir);
    if (left === 0 && dirs.length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(left, 0, "sessions left open");
  assert.deepEqual(dirs, [], "workspaces left behind");
});

Deno.test("HTTP: the next request of an expired session gets 404 saying it expired", async () => {
  await using server = await startHttpCoordinator({
    env: { SESSION_MAX_AGE: "1s", CLEANUP_INTERVAL: "200ms" },
  });
  const headers = await initialize(server.url);
  let res: Response | undefined;
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 200));
    res = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" }),
    });
    if (res.status === 404) break;
    await res.body?.cancel();
  }
  // still 404, so clients open a new session as the MCP specification asks
  assert.equal(res?.status, 404);
  const { error } = await res!.json();
  assert.equal(error.code, -32001);
  assert.match(
    error.message,
    /^Session not found: it expired after 1s without use and its files were removed; send initialize/,
  );
});

Deno.test("HTTP: MAX_HTTP_SESSIONS bounds the sessions open at once", async () => {
  await using server = await startHttpCoordinator({ env: { MAX_HTTP_SESSIONS: "2" } });
  const first = await initialize(server.url);
  await initialize(server.url);
  const third = await fetch(`${server.url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: INITIALIZE_BODY,
  });
  await third.body?.cancel();
  assert.equal(third.status, 503);
  // one ends: its slot is free again
  const closed = await fetch(`${server.url}/mcp`, { method: "DELETE", headers: first });
  await closed.body?.cancel();
  await initialize(server.url);
});
