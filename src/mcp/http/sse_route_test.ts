import assert from "node:assert/strict";
import { handleSseMessage } from "./sse_route.ts";
import { SessionTable } from "./session_table.ts";
import { SseServerTransport } from "./sse_server_transport.ts";
import type { RouteContext } from "./_route_context.ts";
import { echoServerFactory } from "./_testing.ts";
import { EventBudget } from "./event_budget.ts";

Deno.test("POST /messages to a legacy session that ends while the body arrives is 404 -32001, with why", async () => {
  const sessions = new SessionTable({ maxSessions: 1 });
  const { createServer } = echoServerFactory();
  const id = "s1";
  const principal = "anonymous@127.0.0.1";
  const transport = new SseServerTransport(id, { endpoint: `/messages?sessionId=${id}` });
  const server = createServer({ sessionId: id, principal, transport: "sse" });
  await sessions.open({ id, principal, kind: "sse", transport, server });
  const ctx: RouteContext = {
    sessions,
    principal,
    maxRequestBytes: 1024,
    bodyRead: {},
    keepAliveMs: 25_000,
    maxBufferedBytes: 1024 * 1024,
    eventBudget: new EventBudget(),
    maxInFlight: 256,
    createServer,
    completed: Promise.resolve(),
  };
  const text = JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" });
  const body = Promise.withResolvers<ReadableStreamDefaultController<Uint8Array>>();
  const req = new Request(`http://127.0.0.1/messages?sessionId=${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: new ReadableStream<Uint8Array>({ start: (c) => body.resolve(c) }),
  });
  // the route finds the session, then waits for the body
  const answered = handleSseMessage(req, ctx);
  await sessions.close(id, { reason: "it expired" });
  const controller = await body.promise;
  controller.enqueue(new TextEncoder().encode(text));
  controller.close();
  const res = await answered;
  const { error } = await res.json();
  // as if the session had ended before the request came: not an invalid request
  assert.equal(res.status, 404);
  assert.equal(error.code, -32001);
  assert.match(error.message, /it expired/);
});
