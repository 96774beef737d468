import assert from "node:assert/strict";
import { fakeHandler, outcomeCode, serveAndConnect, within } from "./_testing.ts";
import { MAX_MESSAGE_BYTES } from "./_message_limit.ts";

const STATS = { tool: "workspace.stats", args: {} } as const;
const OVER = "o".repeat(MAX_MESSAGE_BYTES + 1);

Deno.test("a task too large for a message fails alone; the stream serves the next task", async () => {
  let started = 0;
  await using service = await serveAndConnect(fakeHandler({
    executeTask: () => {
      started++;
      return Promise.resolve({ ok: true, result: { workspace_bytes: 1, file_count: 2 } });
    },
  }));
  const { conn } = service;
  const write = { tool: "fs.write", args: { path: "big.txt", contents: OVER } } as const;
  const outcome = await within(conn.executeTask("s1", write), 10_000);
  assert.equal(outcomeCode(outcome), "TOO_LARGE");
  assert.match(!outcome.ok ? outcome.error.message : "", /request is larger than the 64 MiB/);
  assert.equal(started, 0, "the oversized task never reached the worker");
  assert.equal(outcomeCode(await within(conn.executeTask("s1", STATS), 5_000)), "ok");
});

Deno.test("a result too large for a message fails its task, not the others on the stream", async () => {
  await using service = await serveAndConnect(fakeHandler({
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
  const { conn } = service;
  const read = { tool: "fs.read", args: { path: "big.txt" } } as const;
  const [big, small] = await within(
    Promise.all([conn.executeTask("big", read), conn.executeTask("small", STATS)]),
    10_000,
  );
  assert.equal(outcomeCode(big), "TOO_LARGE");
  assert.match(!big.ok ? big.error.message : "", /result is larger than the 64 MiB/);
  assert.equal(outcomeCode(small), "ok");
  assert.equal(outcomeCode(await within(conn.executeTask("small", STATS), 5_000)), "ok");
});
