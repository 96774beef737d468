/**
 * Opens idle Streamable HTTP sessions (an initialize POST each, no call) on an in-process
 * coordinator wired as `serve` wires it, and prints the heap they hold, measured after a
 * full GC: `{"sessions":N,"heapBytes":B}`. Needs `--v8-flags=--expose-gc`.
 * Usage: idle_sessions_heap.ts SESSIONS
 * @module
 */
import { createCoordinator } from "../../src/app/mod.ts";
import { MemoryAuditSink } from "../../src/audit/mod.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { FakeClock } from "../../src/core/mod.ts";
import { createMcpServer } from "../../src/mcp/mod.ts";
import { startHttpServer } from "../../src/mcp/http/mod.ts";
import { INITIALIZE_BODY, POST_HEADERS } from "../../src/mcp/http/_testing.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
const count = Number(Deno.args[0]);
if (!Number.isInteger(count) || count < 1) throw new Error("usage: idle_sessions_heap.ts SESSIONS");

const dir = await Deno.makeTempDir({ prefix: "codegen-heap-" });
const loaded = loadConfig([], { WORKSPACE_ROOT: `${dir}/ws`, AUDIT_LOG: `${dir}/audit.jsonl` });
if (!loaded.ok) throw new Error(loaded.message);
const clock = new FakeClock();
const coordinator = await createCoordinator(loaded.config, {
  clock,
  audit: new MemoryAuditSink({ clock }),
});
const { deps } = coordinator;
const http = await startHttpServer({
  host: "127.0.0.1",
  port: 0,
  allowedHosts: [],
  maxRequestBytes: loaded.config.limits.maxRequestBytes,
  createServer: (info) => createMcpServer(deps, info),
  onSessionClosed: (id) => void deps.sessions.closeConnection(id),
});

async function openSession(): Promise<void> {
  const response = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: INITIALIZE_BODY,
  });
  await response.body?.cancel();
  if (response.headers.get("mcp-session-id") === null) {
    throw new Error(`initialize answered ${response.status} without a session`);
  }
}

// settles what the sessions opened (their session records) before the heap is read
async function heapAfterGc(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc!();
  gc!();
  return Deno.memoryUsage().heapUsed;
}

try {
  // the first sessions also build what every later one shares (tools, caches, code)
  for (let i = 0; i < 10; i++) await openSession();
  const before = await heapAfterGc();
  for (let i = 0; i < count; i++) await openSession();
  const after = await heapAfterGc();
  const line = JSON.stringify({ sessions: http.sessionCount() - 10, heapBytes: after - before });
  Deno.stdout.writeSync(new TextEncoder().encode(line + "\n"));
} finally {
  await http.close();
  await coordinator.close();
  await Deno.remove(dir, { recursive: true });
}
