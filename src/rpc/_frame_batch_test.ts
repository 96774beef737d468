import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import { FrameBatch, MAX_BATCH_BYTES } from "./_frame_batch.ts";
import { estimateBytes } from "./_message_limit.ts";
import { TaskFrame } from "./gen/codegen/v1/worker.ts";
import { toolRequestToProto } from "./convert_tool_requests.ts";

function recorder() {
  const sent: string[][] = [];
  const encode = (frame: string) => new TextEncoder().encode(frame);
  return { sent, batch: new FrameBatch<string>((frames) => sent.push(frames), encode) };
}

// after the batch's own scheduled send: immediates run in the order they were set
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

Deno.test("FrameBatch sends frames added in one turn together, and `now` at once", async () => {
  const { sent, batch } = recorder();
  batch.add("a", false);
  batch.add("b", false);
  assert.deepEqual(sent, []);
  await nextTurn();
  assert.deepEqual(sent, [["a", "b"]]);
  batch.add("c", false);
  batch.add("d", true);
  // `now` takes what was gathered with it, in order
  assert.deepEqual(sent, [["a", "b"], ["c", "d"]]);
  await nextTurn();
  assert.equal(sent.length, 2, "nothing left to send");
  batch.add("e", false);
  batch.clear();
  await nextTurn();
  assert.equal(sent.length, 2, "cleared frames are not sent");
});

Deno.test("FrameBatch never gathers past its byte budget; a large frame goes alone", async () => {
  const { sent, batch } = recorder();
  // each estimated at just over a third of the budget: two fit, a third does not
  const third = "x".repeat(Math.floor(MAX_BATCH_BYTES / 9) + 1);
  batch.add(`1${third}`, false);
  batch.add(`2${third}`, false);
  batch.add(`3${third}`, false);
  const large = "y".repeat(MAX_BATCH_BYTES);
  batch.add(large, false);
  batch.add("small", false);
  await nextTurn();
  assert.deepEqual(sent.map((frames) => frames.map((f) => f[0])), [["1", "2"], ["3"], ["y"], [
    "s",
  ]]);
});

Deno.test("estimateBytes() is an upper bound of a frame's encoded size", () => {
  const frames: TaskFrame[] = [
    { frame: { $case: "cancel", value: { task_id: "t1" } } },
    ...["", "plain text", "é€𝄞 mixed".repeat(1_000)].map((contents) => ({
      frame: {
        $case: "start" as const,
        value: {
          session_id: "0f3c9a9e-5b59-4c1d-a1b7-07c29a0a6fc4",
          task_id: "t2",
          tool: toolRequestToProto({ tool: "fs.write", args: { path: "a/b.txt", contents } }),
          traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        },
      },
    })),
  ];
  for (const frame of frames) {
    const encoded = TaskFrame.encode(frame).finish().length;
    assert.ok(estimateBytes(frame) >= encoded, `${estimateBytes(frame)} < ${encoded}`);
  }
});
