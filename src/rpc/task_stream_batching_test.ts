import assert from "node:assert/strict";
import { credentials } from "@grpc/grpc-js";
import {
  type TaskStreamEvents,
  type TaskStreamRequest,
  WorkerServiceClient,
} from "./gen/codegen/v1/worker.ts";
import {
  connectTo,
  fakeHandler,
  serveAndConnect,
  startRawWorkerService,
  within,
} from "./_testing.ts";
import { startWorkerServiceServer } from "./worker_service_server.ts";
import { toolRequestToProto } from "./convert_tool_requests.ts";
import type { FsReadResult, TaskRequest } from "./tasks.ts";
import { outcomeToProto } from "./convert_events.ts";

const TASK = { tool: "workspace.stats", args: {} } as const;
const STATS = { workspace_bytes: 1, file_count: 2 };

Deno.test("tasks started together reach the worker in one message; a lone task goes at once", async () => {
  // a worker that records how the frames arrive and answers each start
  const messages: number[] = [];
  await using service = connectTo(
    await startRawWorkerService({
      executeTask: (call) => call.end(),
      runTasks: (call) => {
        call.on("data", (message: TaskStreamRequest) => {
          messages.push(message.frames.length);
          for (const { frame } of message.frames) {
            if (frame?.$case !== "start") continue;
            const event = outcomeToProto(TASK, { ok: true, result: STATS });
            call.write({ events: [{ task_id: frame.value.task_id, event }] });
          }
        });
      },
    }),
  );
  const { conn } = service;
  const outcomes = await within(
    Promise.all(Array.from({ length: 20 }, (_, n) => conn.executeTask(`s${n}`, TASK))),
    5_000,
  );
  assert.deepEqual(outcomes, Array(20).fill({ ok: true, result: STATS }));
  // the first went alone, the 19 started with it together
  assert.deepEqual(messages, [1, 19]);
  await within(conn.executeTask("s0", TASK), 5_000);
  assert.deepEqual(messages, [1, 19, 1]);
});

Deno.test("results of tasks finishing together come back in one message", async () => {
  const release = Promise.withResolvers<void>();
  const server = await startWorkerServiceServer(fakeHandler({
    executeTask: async (sessionId) => {
      await release.promise;
      return { ok: true, result: { workspace_bytes: Number(sessionId.slice(1)), file_count: 0 } };
    },
  }));
  const client = new WorkerServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  const call = client.runTasks();
  try {
    const received: TaskStreamEvents[] = [];
    const all = Promise.withResolvers<void>();
    let results = 0;
    call.on("data", (message: TaskStreamEvents) => {
      received.push(message);
      results += message.events.length;
      if (results === 10) all.resolve();
    });
    call.write({
      frames: Array.from({ length: 10 }, (_, n) => ({
        frame: {
          $case: "start" as const,
          value: { session_id: `s${n}`, task_id: `t${n}`, tool: toolRequestToProto(TASK) },
        },
      })),
    });
    // all ten are running before any finishes
    await new Promise((r) => setTimeout(r, 100));
    release.resolve();
    await within(all.promise, 5_000);
    assert.deepEqual(
      received.flatMap((m) => m.events.map((e) => e.task_id)).sort(),
      Array.from({ length: 10 }, (_, n) => `t${n}`).sort(),
    );
    assert.equal(
      received.length,
      1,
      `${received.map((m) => m.events.length)} messages for 10 results`,
    );
  } finally {
    call.end();
    client.close();
    await server.close();
  }
});

Deno.test("large tasks and results sent together stay under gRPC's message limit", async () => {
  // eight 12 MiB files at once each way: together far over the 64 MiB a message may hold
  const contents = "w".repeat(12 * 1024 * 1024);
  await using service = await serveAndConnect(fakeHandler({
    executeTask: (_sessionId, task) =>
      Promise.resolve(
        task.tool === "fs.write"
          ? { ok: true, result: { path: "big.txt", bytes_written: task.args.contents.length } }
          : {
            ok: true,
            result: {
              path: "big.txt",
              contents,
              encoding: "utf-8",
              size_bytes: contents.length,
              truncated: false,
            },
          },
      ),
  }));
  const { conn } = service;
  const eight = (task: TaskRequest) =>
    within(
      Promise.all(Array.from({ length: 8 }, (_, n) => conn.executeTask(`s${n}`, task))),
      30_000,
    );
  const writes = await eight({ tool: "fs.write", args: { path: "big.txt", contents } });
  assert.deepEqual(
    writes,
    Array(8).fill({ ok: true, result: { path: "big.txt", bytes_written: contents.length } }),
  );
  const reads = await eight({ tool: "fs.read", args: { path: "big.txt" } });
  for (const outcome of reads) {
    assert.equal(outcome.ok, true, JSON.stringify(outcome).slice(0, 300));
    assert.equal((outcome as { result: FsReadResult }).result.contents, contents);
  }
});
