import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import { openRawSession, serverOptions as options } from "./_testing.ts";
import { WaitCalls } from "./_wait_tool.ts";

/**
 * A server whose `wait` tool runs until cancelled, or until the test releases the calls
 * begun.
 */
function waitingServer() {
  const calls = new WaitCalls();
  return {
    aborted: calls.abortedNames,
    /** Resolves once the call named `name` has begun. */
    begun: (name: string) => calls.begun(name),
    release: () => calls.release(),
    createServer: () => calls.createServer(),
  };
}

const open = openRawSession;

const call = (id: number, name: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "wait", arguments: { name } },
});

async function cancel(url: string, headers: Record<string, string>, requestId: number) {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId },
    }),
  });
  assert.equal(res.status, 202);
  await res.body?.cancel();
}

/** The whole body of a POST's event stream, or undefined if it is still open after 5 s. */
async function whole(res: Response): Promise<string | undefined> {
  const text = res.text();
  const timeout = new Promise<undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 5_000);
    text.finally(() => clearTimeout(timer));
  });
  const result = await Promise.race([text, timeout]);
  if (result === undefined) await res.body?.cancel().catch(() => {});
  return result;
}

Deno.test("Streamable HTTP ends a POST's event stream, without an answer, once its request is cancelled", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const headers = await open(http.url, "2025-06-18");
  const res = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify(call(1, "one")),
  });
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  await cancel(http.url, headers, 1);
  const text = await whole(res);
  assert.notEqual(text, undefined, "the stream ended");
  assert.doesNotMatch(text!, /"id":1/, "a cancelled request gets no answer");
  assert.deepEqual(waiting.aborted, ["one"]);
  waiting.release();
});

Deno.test("Streamable HTTP keeps a batch's stream open for its requests not cancelled, then ends it", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const headers = await open(http.url, "2025-03-26");
  const res = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify([call(1, "one"), call(2, "two")]),
  });
  await cancel(http.url, headers, 1);
  waiting.release();
  const text = await whole(res);
  assert.notEqual(text, undefined, "the stream ended");
  assert.match(text!, /"text":"two"/, "the request not cancelled is answered");
  assert.doesNotMatch(text!, /"id":1/);
});

Deno.test("Streamable HTTP forgets a batch ended by a cancel: a later batch reusing its ids gets every answer", async () => {
  const waiting = waitingServer();
  await using http = await startHttpServer(options({ createServer: waiting.createServer }));
  const headers = await open(http.url, "2025-03-26");
  const post = (body: unknown) =>
    fetch(`${http.url}/mcp`, { method: "POST", headers, body: JSON.stringify(body) });
  const first = await post([call(1, "one"), call(2, "two")]);
  await cancel(http.url, headers, 2);
  waiting.release();
  assert.match((await whole(first))!, /"text":"one"/);
  // the SDK held request 1's answer and both ids for the ended stream: this batch's stream
  // ended once the ping was answered, as if request 1 had been too
  const ping = { jsonrpc: "2.0", id: 3, method: "ping" };
  const second = await post([call(1, "again"), ping]);
  await waiting.begun("again");
  waiting.release();
  const text = await whole(second);
  assert.match(text ?? "", /"id":3/);
  assert.match(text ?? "", /"text":"again"/, "request 1 is answered on its stream");
});
