import assert from "node:assert/strict";
import { fakeHandler, within } from "./_testing.ts";
import { MAX_MESSAGE_BYTES } from "./_message_limit.ts";
import { startWorkerServiceServer } from "./worker_service_server.ts";
import { WorkerServiceConnection } from "./worker_service_client.ts";
import type { TaskOutcome } from "./tasks.ts";

const STATS = { tool: "workspace.stats", args: {} } as const;
const OVER = "o".repeat(MAX_MESSAGE_BYTES + 1);

function code(outcome: TaskOutcome): string {
  return outcome.ok ? "ok" : outcome.error.code;
}

Deno.test("a task too large for a message fails alone; the stream serves the next task", async () => {
  let started = 0;
  const server = await startWorkerServiceServer(fakeHandler({
    executeTask: () => {
      started++;
      return Promise.resolve({ ok: true, result: { workspace_bytes: 1, file_count: 2 } });
    },
  }));
  const conn = new WorkerServiceConnection(`127.0.0.1:${server.port}`);
  try {
    const write = { tool: "fs.write", args: { path: "big.txt", contents: OVER } } as const;
    const outcome = await within(conn.executeTask("s1", write), 10_000);
    assert.equal(code(outcome), "TOO_LARGE");
    assert.match(!outcome.ok ? outcome.error.message : "", /request is larger than the 64 MiB/);
    assert.equal(started, 0, "the oversized task never reached the worker");
    assert.equal(code(await within(conn.executeTask("s1", STATS), 5_000)), "ok");
  } finally {
    conn.close();
    await server.close();
  }
});

Deno.test("a result too large for a message fails its task, not the others on the stream", async () => {
  const server = await startWorkerServiceServer(fakeHandler({
    executeTask: (sessionId) =>
      Promise.resolve(
        sessionId === "big"
          ? {
            ok: true,
            result: {
              path: "big.txt",
              contents: OVER,
              encoding: "utf-8",
              size_bytes: OVER.length,
              truncated: false,
            },
          }
          : { ok: true, result: { workspace_bytes: 1, file_count: 2 } },
      ),
  }));
  const conn = new WorkerServiceConnection(`127.0.0.1:${server.port}`);
  try {
    const read = { tool: "fs.read", args: { path: "big.txt" } } as const;
    const [big, small] = await within(
      Promise.all([conn.executeTask("big", read), conn.executeTask("small", STATS)]),
      10_000,
    );
    assert.equal(code(big), "TOO_LARGE");
    assert.match(!big.ok ? big.error.message : "", /result is larger than the 64 MiB/);
    assert.equal(code(small), "ok");
    assert.equal(code(await within(conn.executeTask("small", STATS), 5_000)), "ok");
  } finally {
    conn.close();
    await server.close();
  }
});
