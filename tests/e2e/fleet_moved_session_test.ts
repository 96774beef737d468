// A worker restarted under the same id with a fresh disk, with real processes: what moved
// sessions are told (the call's notice and session.info agree), and the empty copy the
// coordinator makes there while looking for the session's files is not left behind.
import assert from "node:assert/strict";
import { connectMcp, startHttpCoordinator } from "../support/http_coordinator.ts";
import type { CallToolResult, Client } from "../support/sdk_client.ts";
import { startWorkerProcess } from "../support/worker_process.ts";

const TOKEN = "moved-session-test-token";

function texts(r: unknown): string[] {
  return (r as CallToolResult).content.map((c) => (c.type === "text" ? c.text : ""));
}

async function sessionId(client: Client): Promise<string> {
  const info = await client.callTool({ name: "session.info", arguments: {} });
  return (info.structuredContent as { session_id: string }).session_id;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("fleet: sessions moved off a restarted worker are told the same by the call and session.info, and leave no empty copy there", async () => {
  await using coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: TOKEN, WORKER_HEARTBEAT_TIMEOUT: "30s" },
  });
  const start = (id: string, disk: string, maxSessions: number) =>
    startWorkerProcess({
      id,
      coordinator: `127.0.0.1:${coordinator.grpcPort}`,
      workspaceRoot: `${coordinator.dir}/${disk}`,
      env: { WORKER_TOKEN: TOKEN },
      args: ["--max-sessions", String(maxSessions)],
    });
  const first = await start("w1", "disk-1", 2);
  const back = await connectMcp(coordinator.url, "moved-back");
  const away = await connectMcp(coordinator.url, "moved-away");
  try {
    for (const client of [back, away]) {
      const w = await client.callTool({
        name: "fs.write",
        arguments: { path: "a.txt", contents: "x" },
      });
      assert.equal(w.isError, undefined, texts(w).join("\n"));
    }
    const awayId = await sessionId(away);
    await first.stop("SIGKILL");
    await using _second = await start("w1", "disk-2", 2);

    // the only worker: the session is placed on the restarted w1 again
    const info = await back.callTool({ name: "session.info", arguments: {} });
    // (a result that is not an error carries the call's notice first, in the same text)
    const text = texts(info).join("\n");
    assert.match(text, /^Session moved from worker "w1", which restarted/);
    assert.match(text, /on worker w1: .*\nMoved from worker w1, which restarted;/);

    // with a roomier worker registered, the other session moves there
    await using _w2 = await start("w2", "disk-w2", 8);
    const moved = await away.callTool({ name: "session.info", arguments: {} });
    const movedText = texts(moved).join("\n");
    assert.match(movedText, /^Session moved from worker "w1", which is gone; .*"w2"/);
    assert.match(movedText, /on worker w2: .*\nMoved from worker w1, which is gone;/);
    assert.equal(
      await exists(`${coordinator.dir}/disk-2/sessions/${awayId}`),
      false,
      "the empty session made on w1 while looking for the files is removed",
    );
  } finally {
    await back.close();
    await away.close();
    await first.stop("SIGKILL");
  }
});
