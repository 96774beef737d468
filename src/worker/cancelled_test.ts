import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import type { TaskOutcome } from "../rpc/mod.ts";
import { stoppedOutcome } from "./cancelled.ts";

const CANCELLED: TaskOutcome = {
  ok: false,
  error: { code: "CANCELLED", message: "Run was cancelled", retriable: false },
};

function stoppedBy(reason: unknown): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

Deno.test("stoppedOutcome() reports a stop by a leaving worker as its WORKER_UNAVAILABLE, flag kept", () => {
  const leaving = new CodegenError("WORKER_UNAVAILABLE", "Task stopped: worker is leaving", {
    retriable: true,
    workerLeaving: true,
  });
  assert.deepEqual(stoppedOutcome(stoppedBy(leaving), CANCELLED), {
    ok: false,
    error: {
      code: "WORKER_UNAVAILABLE",
      message: "Task stopped: worker is leaving",
      retriable: true,
      worker_leaving: true,
    },
  });
});

Deno.test("stoppedOutcome() keeps the tool's CANCELLED for a caller's cancel or a plain abort", () => {
  for (const reason of [new CodegenError("CANCELLED", "The caller cancelled"), undefined]) {
    assert.deepEqual(stoppedOutcome(stoppedBy(reason), CANCELLED), CANCELLED);
  }
});

Deno.test("stoppedOutcome() leaves an outcome alone unless it is a CANCELLED of a stopped task", () => {
  const leaving = stoppedBy(new CodegenError("WORKER_UNAVAILABLE", "bye", { workerLeaving: true }));
  const ran: TaskOutcome = { ok: true, result: { workspace_bytes: 1, file_count: 1 } };
  const failed: TaskOutcome = {
    ok: false,
    error: { code: "NOT_FOUND", message: "gone", retriable: false },
  };
  assert.equal(stoppedOutcome(leaving, ran), ran);
  assert.equal(stoppedOutcome(leaving, failed), failed);
  assert.equal(stoppedOutcome(new AbortController().signal, CANCELLED), CANCELLED);
});
