import assert from "node:assert/strict";
import { z } from "zod";
import { McpServer } from "./sdk.ts";
import { type RequestHandler, sdkRequestHandlers } from "./_request_handlers.ts";
import { answerToolListOnce } from "./tool_list.ts";

const LIST = { method: "tools/list", params: {} };

interface Listed {
  tools: { name: string }[];
}

function serverWithTools(): McpServer {
  const server = new McpServer({ name: "t", version: "0" });
  server.registerTool("a", {
    description: "A tool",
    inputSchema: z.strictObject({ n: z.number().int().min(1), s: z.string().optional() }),
    outputSchema: z.object({ ok: z.boolean() }),
    annotations: { readOnlyHint: true },
  }, () => ({ content: [], structuredContent: { ok: true } }));
  return server;
}

function listOf(server: McpServer): RequestHandler {
  const handler = sdkRequestHandlers(server, "tool_list_test.ts").get("tools/list");
  if (!handler) throw new Error("no tools/list handler");
  return (request, extra) => handler(request, extra);
}

Deno.test("answerToolListOnce answers the SDK's own list, built once for every server of a key", async () => {
  const first = serverWithTools();
  const second = serverWithTools();
  // what the SDK answers on its own, before any caching
  const sdk = JSON.stringify(await listOf(first)(LIST, {}));
  const key = {};
  answerToolListOnce(first, key);
  answerToolListOnce(second, key);
  const a = await listOf(first)(LIST, {});
  const b = await listOf(first)(LIST, {});
  const c = await listOf(second)(LIST, {});
  assert.equal(JSON.stringify(a), sdk);
  // the SDK builds a new list on each call; here the one list serves every call
  assert.equal(b, a);
  assert.equal(c, a);
  assert.ok(Object.isFrozen((a as Listed).tools[0]), "shared by connections, so frozen");
  assert.match(sdk, /"additionalProperties":false/);
});

Deno.test("answerToolListOnce still refuses params the SDK's schema refuses, once the list is built", async () => {
  const server = serverWithTools();
  answerToolListOnce(server, {});
  const list = listOf(server);
  await list(LIST, {});
  // thrown at once with the schema's issues, as the SDK throws it (invalid_params.ts reads them)
  assert.throws(
    () => list({ method: "tools/list", params: { cursor: {} } }, {}),
    (err: { issues?: { path?: unknown[] }[] }) =>
      err.issues?.[0]?.path?.join(".") === "params.cursor",
  );
});

Deno.test("a tool disabled or added after start-up gives its server a list built anew", async () => {
  const changed = serverWithTools();
  const other = serverWithTools();
  const key = {};
  answerToolListOnce(changed, key);
  answerToolListOnce(other, key);
  const names = async (server: McpServer) =>
    ((await listOf(server)(LIST, {})) as Listed).tools.map((t) => t.name);
  assert.deepEqual(await names(changed), ["a"]);
  const b = changed.registerTool("b", { description: "B" }, () => ({ content: [] }));
  assert.deepEqual(await names(changed), ["a", "b"]);
  b.disable();
  assert.deepEqual(await names(changed), ["a"]);
  b.enable();
  assert.deepEqual(await names(changed), ["a", "b"]);
  // a change on one connection's server is not seen by the others
  assert.deepEqual(await names(other), ["a"]);
});
