import assert from "node:assert/strict";
import { freePort } from "../support/free_port.ts";
import { startHttpCoordinator } from "../support/http_coordinator.ts";
import { Client, StreamableHTTPClientTransport } from "../support/sdk_client.ts";
import { startWorkerProcess } from "../support/worker_process.ts";

async function get(url: string): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), type: res.headers.get("content-type") };
}

function metric(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(name + " ") || l.startsWith(name + "{"));
  return line ? Number(line.split(" ").at(-1)) : NaN;
}

Deno.test("metrics change after tool calls and /healthz, /metrics need no token while /mcp does", async () => {
  await using c = await startHttpCoordinator({ env: { MCP_AUTH_TOKEN: "tok" } });
  assert.equal((await get(`${c.url}/healthz`)).status, 200);
  const before = await get(`${c.url}/metrics`);
  assert.equal(before.status, 200);
  assert.match(before.type ?? "", /text\/plain/);
  assert.ok(!before.body.includes('codegen_tool_calls_total{tool="echo",outcome="ok"}'));

  const client = new Client({ name: "m", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${c.url}/mcp`), {
      requestInit: { headers: { authorization: "Bearer tok" } },
    }),
  );
  try {
    for (let i = 0; i < 3; i++) {
      await client.callTool({ name: "echo", arguments: { message: "m" } });
    }
    await client.callTool({ name: "fs.read", arguments: { path: "../etc/passwd" } });
  } finally {
    await client.close();
  }
  const after = (await get(`${c.url}/metrics`)).body;
  assert.equal(metric(after, 'codegen_tool_calls_total{tool="echo",outcome="ok"}'), 3);
  assert.equal(metric(after, 'codegen_tool_calls_total{tool="fs.read",outcome="denied"}'), 1);
  // the four calls and the start-up record
  assert.equal(metric(after, "codegen_audit_records_total"), 5);
  assert.ok(metric(after, 'codegen_tool_duration_seconds_count{tool="echo"}') >= 3);
  assert.ok(metric(after, "process_resident_memory_bytes") > 0);
});

Deno.test("with --admin-port, /metrics is served there and not on the MCP port, which keeps /healthz and /readyz", async () => {
  const adminPort = freePort();
  await using c = await startHttpCoordinator({ args: ["--admin-port", String(adminPort)] });
  const admin = await get(`http://127.0.0.1:${adminPort}/metrics`);
  assert.equal(admin.status, 200);
  assert.ok(metric(admin.body, "process_resident_memory_bytes") > 0);
  assert.notEqual(c.url, `http://127.0.0.1:${adminPort}`);
  assert.equal((await get(`${c.url}/metrics`)).status, 404);
  assert.equal((await get(`${c.url}/healthz`)).status, 200);
  assert.equal((await get(`${c.url}/readyz`)).status, 200);
});

Deno.test("readiness flips to 503 when the last worker goes and back when one registers", async () => {
  await using c = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: "t", WORKER_HEARTBEAT_TIMEOUT: "3s" },
  });
  const none = await get(`${c.url}/readyz`);
  assert.equal(none.status, 503);
  assert.match(none.body, /no worker with free capacity/);
  const worker = await startWorkerProcess({
    id: "only",
    coordinator: `127.0.0.1:${c.grpcPort}`,
    workspaceRoot: `${c.dir}/w`,
    env: { WORKER_TOKEN: "t" },
  });
  try {
    assert.equal((await get(`${c.url}/readyz`)).status, 200);
    assert.equal(metric((await get(`${c.url}/metrics`)).body, "codegen_workers_registered"), 1);
    assert.equal((await worker.stop("SIGTERM")).code, 0);
    const gone = await get(`${c.url}/readyz`);
    assert.equal(gone.status, 503);
    assert.match(gone.body, /no worker with free capacity/);
    assert.equal(metric((await get(`${c.url}/metrics`)).body, "codegen_workers_registered"), 0);
  } finally {
    await worker.stop("SIGKILL");
  }
});

Deno.test("a remote worker serves /healthz, /readyz and /metrics on --admin-port, and its task metrics move", async () => {
  await using c = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: "t" },
  });
  const adminPort = freePort();
  await using worker = await startWorkerProcess({
    id: "observed",
    coordinator: `127.0.0.1:${c.grpcPort}`,
    workspaceRoot: `${c.dir}/w`,
    env: { WORKER_TOKEN: "t" },
    args: ["--admin-port", String(adminPort)],
  });
  const admin = `http://127.0.0.1:${adminPort}`;
  assert.equal((await get(`${admin}/healthz`)).status, 200);
  assert.equal((await get(`${admin}/readyz`)).status, 200);
  const client = new Client({ name: "w", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${c.url}/mcp`)));
  try {
    await client.callTool({ name: "fs.write", arguments: { path: "a.txt", contents: "a" } });
  } finally {
    await client.close();
  }
  const body = (await get(`${admin}/metrics`)).body;
  assert.ok(
    metric(body, 'codegen_worker_tasks_total{tool="fs.write",outcome="ok"}') >= 1,
    body.slice(0, 2000),
  );
  assert.equal((await get(`${admin}/nope`)).status, 404);
  assert.equal(worker.id, "observed");
});
