import assert from "node:assert/strict";
import { McpServer } from "../sdk.ts";
import { SessionTable } from "./session_table.ts";
import { SseServerTransport } from "./sse_server_transport.ts";

const NO_TIMERS = { setInterval: () => 0, clearInterval: () => {} };

function session(id: string, principal = "anonymous@127.0.0.1") {
  return {
    id,
    principal,
    kind: "sse" as const,
    transport: new SseServerTransport(id, { endpoint: "/m", timers: NO_TIMERS }),
    server: new McpServer({ name: "t", version: "0" }),
  };
}

Deno.test("SessionTable.get returns a session only to the principal that opened it", async () => {
  const table = new SessionTable({ maxSessions: 10 });
  const s = session("a", "bearer:abc");
  await table.open(s);
  assert.equal(table.get("a", "bearer:abc"), s);
  assert.equal(table.get("a", "anonymous@127.0.0.1"), undefined);
  assert.equal(table.get("b", "bearer:abc"), undefined);
  await table.closeAll();
});

Deno.test("SessionTable forgets a session whose transport closed and reports it once", async () => {
  const closed: string[] = [];
  const table = new SessionTable({
    maxSessions: 10,
    onSessionClosed: (id) => void closed.push(id),
  });
  const a = session("a");
  const b = session("b");
  await table.open(a);
  await table.open(b);
  await a.transport.body.cancel(); // the client went away
  await table.close("b");
  await table.close("b");
  assert.deepEqual(closed, ["a", "b"]);
  assert.equal(table.size, 0);
});

Deno.test("SessionTable is full at maxSessions and survives a failing onSessionClosed", async () => {
  const table = new SessionTable({
    maxSessions: 2,
    onSessionClosed: () => {
      throw new Error("listener failed");
    },
  });
  await table.open(session("a"));
  assert.equal(table.full, false);
  await table.open(session("b"));
  assert.equal(table.full, true);
  await table.closeAll();
  assert.equal(table.size, 0);
  assert.equal(table.full, false);
});

Deno.test("SessionTable remembers why a session was closed, for its owner and the latest maxEnded", async () => {
  const table = new SessionTable({ maxSessions: 10, maxEnded: 2 });
  for (const id of ["a", "b", "c"]) await table.open(session(id));
  await table.close("a", { reason: "it expired" });
  assert.equal(table.get("a", "anonymous@127.0.0.1"), undefined);
  assert.equal(table.endedReason("a", "anonymous@127.0.0.1"), "it expired");
  assert.equal(table.endedReason("a", "bearer:other"), undefined, "not told to another");
  await table.close("b");
  assert.equal(table.endedReason("b", "anonymous@127.0.0.1"), undefined, "closed without one");
  const d = session("d");
  await table.open(d);
  await table.close("c", { reason: "it expired" });
  await table.close("d", { reason: "it expired" });
  assert.equal(table.endedReason("a", "anonymous@127.0.0.1"), undefined, "the oldest forgotten");
  assert.equal(table.endedReason("d", "anonymous@127.0.0.1"), "it expired");
});

Deno.test("SessionTable.ended waits for a closed session's ending, at most the time given", async () => {
  let finish = () => {};
  const table = new SessionTable({
    maxSessions: 10,
    onSessionClosed: (id) =>
      id === "stuck" ? new Promise(() => {}) : new Promise<void>((r) => finish = r),
  });
  await table.open(session("a"));
  await table.open(session("stuck"));
  await table.close("a");
  let done = false;
  const waiting = table.ended("a", 5_000).then(() => done = true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false, "its ending is still under way");
  finish();
  await waiting;
  await table.close("stuck");
  const started = performance.now();
  await table.ended("stuck", 50);
  assert.ok(performance.now() - started < 1_000, "a stuck ending holds no one past the bound");
  await table.ended("never-open", 5_000); // none under way: at once
});
