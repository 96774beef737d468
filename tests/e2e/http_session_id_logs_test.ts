import assert from "node:assert/strict";
import { INITIALIZE_BODY, POST_HEADERS } from "../../src/mcp/http/_testing.ts";
import { startHttpCoordinator } from "../support/http_coordinator.ts";

Deno.test("HTTP: logs never carry a session's whole Mcp-Session-Id, even at debug level", async () => {
  await using server = await startHttpCoordinator({
    env: { LOG_LEVEL: "debug", MCP_AUTH_TOKEN: "tok" },
  });
  const headers = { ...POST_HEADERS, authorization: "Bearer tok" };
  const init = await fetch(`${server.url}/mcp`, { method: "POST", headers, body: INITIALIZE_BODY });
  assert.equal(init.status, 200);
  await init.body?.cancel();
  const id = init.headers.get("mcp-session-id") ?? "";
  assert.match(id, /^[0-9a-f-]{36}$/);
  const end = await fetch(`${server.url}/mcp`, {
    method: "DELETE",
    headers: { ...headers, "mcp-session-id": id },
  });
  assert.equal(end.status, 200);
  await end.body?.cancel();
  // the close is logged once the session has ended
  for (let i = 0; i < 100 && !server.log().includes("closed"); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(server.log().includes(id.slice(0, 8)), "connections are still told apart");
  assert.ok(!server.log().includes(id), "the id is the session's only key besides the token");
});
