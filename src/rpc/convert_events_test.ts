import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import type { TaskEvent, TaskOutcome, TaskRequest } from "./tasks.ts";
import { errorOutcome } from "./_outcomes.ts";
import { thrownToProto } from "./_run_task.ts";
import { Limits, TaskEvent as TaskEventMessage } from "./gen/codegen/v1/worker.ts";
import {
  limitsFromProto,
  limitsToProto,
  outcomeToProto,
  taskEventFromProto,
  taskEventToProto,
} from "./convert_events.ts";

function wire(message: TaskEventMessage): TaskEventMessage {
  return TaskEventMessage.decode(TaskEventMessage.encode(message).finish());
}

const TASK: TaskRequest = { tool: "fs.delete", args: { path: "x" } };

Deno.test("progress and log events survive a round trip through the wire format", () => {
  const events: TaskEvent[] = [
    { type: "progress", progress: 0.5 },
    { type: "progress", progress: 3, total: 10, message: "step 3" },
    { type: "log", stream: "stdout", level: "info", data: "hello\n" },
    { type: "log", stream: "system", level: "warning", data: "" },
  ];
  for (const event of events) {
    assert.deepEqual(taskEventFromProto(wire(taskEventToProto(event))), { kind: "event", event });
  }
});

Deno.test("successful, tool-failed and failed outcomes survive a round trip", () => {
  const outcomes: TaskOutcome[] = [
    { ok: true, result: { path: "x", deleted: true } },
    { ok: true, result: { path: "x", deleted: false }, is_error: true, error_text: "NOT_FOUND" },
    { ok: false, error: { code: "PATH_VIOLATION", message: "Cannot", retriable: false } },
    { ok: false, error: { code: "WORKER_UNAVAILABLE", message: "gone", retriable: true } },
    {
      ok: false,
      error: { code: "WORKER_UNAVAILABLE", message: "bye", retriable: true, worker_leaving: true },
    },
  ];
  for (const outcome of outcomes) {
    const decoded = taskEventFromProto(wire(outcomeToProto(TASK, outcome)));
    assert.deepEqual(decoded, { kind: "outcome", outcome });
  }
});

Deno.test("a leaving worker's error keeps its flag on the wire; a lost worker's has none", () => {
  const leaving = new CodegenError("WORKER_UNAVAILABLE", "Cannot run a task: draining", {
    workerLeaving: true,
  });
  const lost = new CodegenError("WORKER_UNAVAILABLE", "Cannot run a task: draining");
  const flagOf = (err: CodegenError) => {
    const event = wire(thrownToProto(err)).event;
    assert.equal(event?.$case, "error");
    const decoded = taskEventFromProto(wire(outcomeToProto(TASK, errorOutcome(err))));
    assert.ok(decoded?.kind === "outcome" && !decoded.outcome.ok);
    assert.equal(event.value.worker_leaving, decoded.outcome.error.worker_leaving ?? false);
    return decoded.outcome.error.worker_leaving;
  };
  assert.equal(flagOf(leaving), true);
  // the same words without the flag are a lost worker: nothing reads the message
  assert.equal(flagOf(lost), undefined);
});

Deno.test("an error code unknown to this version arrives as INTERNAL", () => {
  const message = {
    event: {
      $case: "error" as const,
      value: { code: "NEW", message: "m", retriable: false, worker_leaving: false },
    },
  };
  const decoded = taskEventFromProto(message);
  assert.deepEqual(decoded, {
    kind: "outcome",
    outcome: { ok: false, error: { code: "INTERNAL", message: "m", retriable: false } },
  });
});

Deno.test("an empty event decodes as nothing", () => {
  assert.equal(taskEventFromProto({}), undefined);
});

Deno.test("session limits survive a round trip", () => {
  const limits = {
    max_file_bytes: 10_485_760,
    max_read_bytes: 1,
    max_list_entries: 2,
    run_timeout_seconds_default: 30,
    run_timeout_seconds_max: 600,
    output_limit_bytes: 3,
    max_workspace_bytes: 7,
  };
  const bytes = Limits.encode(limitsToProto(limits)).finish();
  assert.deepEqual(limitsFromProto(Limits.decode(bytes)), limits);
});

Deno.test("a worker's error message is cut at 8 KiB, and a code like __proto__ is INTERNAL", () => {
  const long = "x".repeat(100_000);
  const decoded = taskEventFromProto({
    event: {
      $case: "error",
      value: { code: "__proto__", message: long, retriable: false, worker_leaving: false },
    },
  });
  assert.equal(decoded?.kind, "outcome");
  const outcome = decoded?.kind === "outcome" ? decoded.outcome : undefined;
  assert.ok(outcome && !outcome.ok);
  if (outcome && !outcome.ok) {
    assert.equal(outcome.error.code, "INTERNAL");
    assert.ok(outcome.error.message.length < 8_300, `${outcome.error.message.length}`);
    assert.match(outcome.error.message, /\(cut: 100000 characters\)$/);
  }
});

Deno.test("a result for another tool than the one asked is refused as INTERNAL", () => {
  const stats = {
    $case: "workspace_stats" as const,
    value: { workspace_bytes: 1, file_count: 2, has_state: false },
  };
  const result = (tool?: typeof stats) => ({
    event: {
      $case: "result" as const,
      value: { response: tool ? { tool } : {}, is_error: false, error_text: "" },
    },
  });
  assert.deepEqual(taskEventFromProto(result(stats), "fs_read"), {
    kind: "outcome",
    outcome: {
      ok: false,
      error: {
        code: "INTERNAL",
        message: "The worker answered a fs_read task with a workspace_stats result",
        retriable: false,
      },
    },
  });
  assert.match(JSON.stringify(taskEventFromProto(result(), "fs_read")), /with an empty result/);
  const right = taskEventFromProto(result(stats), "workspace_stats");
  assert.equal(right?.kind === "outcome" && right.outcome.ok, true);
});
