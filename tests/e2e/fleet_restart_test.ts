// Restarts in a fleet, with real processes: a worker recreated under the same id with a
// fresh disk, and a coordinator that crashed while a worker still hosted its sessions.
import assert from "node:assert/strict";
import {
  connectMcp,
  type HttpCoordinator,
  startHttpCoordinator,
} from "../support/http_coordinator.ts";
import type { CallToolResult, Client } from "../support/sdk_client.ts";
import { startWorkerProcess } from "../support/worker_process.ts";

const TOKEN = "restart-test-token";

function connect(url: string): Promise<Client> {
  return connectMcp(url, "restart");
}

function texts(r: unknown): string[] {
  return (r as CallToolResult).content.map((c) => (c.type === "text" ? c.text : ""));
}

function startWorker(coordinator: HttpCoordinator, workspaceRoot: string, maxSessions: number) {
  return startWorkerProcess({
    id: "w1",
    coordinator: `127.0.0.1:${coordinator.grpcPort}`,
    workspaceRoot,
    env: { WORKER_TOKEN: TOKEN },
    args: ["--max-sessions", String(maxSessions)],
  });
}

Deno.test("fleet: a worker restarted under the same id with a fresh disk re-homes its session with a notice, even on an error", async () => {
  await using coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: TOKEN, WORKER_HEARTBEAT_TIMEOUT: "30s" },
  });
  const first = await startWorker(coordinator, `${coordinator.dir}/disk-1`, 1);
  const owner = await connect(coordinator.url);
  const other = await connect(coordinator.url);
  try {
    const w = await owner.callTool({
      name: "fs.write",
      arguments: { path: "a.txt", contents: "x" },
    });
    assert.equal(w.isError, undefined, texts(w).join("\n"));
    await first.stop("SIGKILL");
    // the pod is recreated: same id, empty disk
    await using _second = await startWorker(coordinator, `${coordinator.dir}/disk-2`, 1);

    const read = await owner.callTool({ name: "fs.read", arguments: { path: "a.txt" } });
    assert.equal(read.isError, true);
    const [code, notice] = texts(read);
    assert.match(code!, /^NOT_FOUND: /, "the stable code stays first");
    assert.match(notice!, /Session moved from worker "w1", which restarted; files written before/);
    const info = await owner.callTool({ name: "session.info", arguments: {} });
    assert.equal((info.structuredContent as { rehomed_from?: string }).rehomed_from, "w1");

    // the re-homed session holds the worker's only slot: the other client is told to retry,
    // not refused by the worker
    const refused = await other.callTool({
      name: "fs.write",
      arguments: { path: "b.txt", contents: "y" },
    });
    assert.equal(refused.isError, true);
    assert.match(texts(refused)[0]!, /^WORKER_UNAVAILABLE: .*\(retriable\)$/);
    assert.doesNotMatch(coordinator.log(), /LIMIT_EXCEEDED/);
  } finally {
    await owner.close();
    await other.close();
    await first.stop("SIGKILL");
  }
});

Deno.test("fleet: a second worker started with a live worker's id is refused, and the first keeps its sessions", async () => {
  await using coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: TOKEN, WORKER_HEARTBEAT_TIMEOUT: "3s" }, // a heartbeat a second
  });
  await using first = await startWorker(coordinator, `${coordinator.dir}/disk-1`, 2);
  const client = await connect(coordinator.url);
  try {
    const w = await client.callTool({
      name: "fs.write",
      arguments: { path: "a.txt", contents: "first" },
    });
    assert.equal(w.isError, undefined, texts(w).join("\n"));
    // the same WORKER_ID given to another worker by mistake
    await using second = await startWorkerProcess({
      id: "w1",
      coordinator: `127.0.0.1:${coordinator.grpcPort}`,
      workspaceRoot: `${coordinator.dir}/disk-2`,
      env: { WORKER_TOKEN: TOKEN },
      waitForRegistration: false,
    });
    const deadline = Date.now() + 15_000;
    const refusals = () => second.log().match(/The coordinator refused registration/g)?.length ?? 0;
    while (Date.now() < deadline && refusals() < 3) await new Promise((r) => setTimeout(r, 50));
    assert.match(
      second.log(),
      new RegExp(
        `refused registration[^\\n]*worker id [^\\n]*w1[^\\n]* is in use by a live worker at [^\\n]*${
          first.address.replace(/\./g, "\\.")
        }[^\\n]*give each worker its own --worker-id \\(WORKER_ID\\)`,
      ),
    );
    assert.doesNotMatch(second.log(), /Registered as/);
    // the first was never replaced: one registration, and its session stays, unmoved
    assert.equal(coordinator.log().match(/"w1\\?" registered at [^\n]*slots/g)?.length, 1);
    assert.doesNotMatch(first.log(), /no longer knows this worker/);
    const read = await client.callTool({ name: "fs.read", arguments: { path: "a.txt" } });
    assert.deepEqual(texts(read), ["first"]);
  } finally {
    await client.close();
  }
});

Deno.test("fleet: after a coordinator crash, a worker frees the old coordinator's sessions and takes new ones", async () => {
  // workers remove sessions unused for 2 × SESSION_MAX_AGE + CLEANUP_INTERVAL = 3 s
  const env = {
    WORKER_TOKEN: TOKEN,
    WORKER_HEARTBEAT_TIMEOUT: "3s",
    SESSION_MAX_AGE: "1s",
    CLEANUP_INTERVAL: "1s",
  };
  const args = ["--local-workers", "0"];
  const crashed = await startHttpCoordinator({ args, env });
  await using worker = await startWorker(crashed, `${crashed.dir}/disk`, 1);
  try {
    const client = await connect(crashed.url);
    const w = await client.callTool({
      name: "fs.write",
      arguments: { path: "a.txt", contents: "x" },
    });
    assert.equal(w.isError, undefined, texts(w).join("\n"));
    await client.close().catch(() => {});
  } finally {
    crashed.process.kill("SIGKILL");
    await crashed.close();
  }

  await using restarted = await startHttpCoordinator({
    args: [...args, "--grpc-port", String(crashed.grpcPort)],
    env,
  });
  const client = await connect(restarted.url);
  try {
    const outcomes: string[] = [];
    const deadline = Date.now() + 30_000;
    for (let ok = false; !ok && Date.now() < deadline;) {
      const r = await client.callTool({
        name: "fs.write",
        arguments: { path: "b.txt", contents: "y" },
      });
      ok = r.isError === undefined;
      outcomes.push(ok ? "ok" : texts(r)[0]!.replace(/:.*/s, ""));
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(outcomes.at(-1), "ok", `outcomes: ${outcomes.join(", ")}\n${worker.log()}`);
    assert.ok(!outcomes.includes("LIMIT_EXCEEDED"), `outcomes: ${outcomes.join(", ")}`);
    assert.match(worker.log(), /Removed session/);
  } finally {
    await client.close();
  }
});
