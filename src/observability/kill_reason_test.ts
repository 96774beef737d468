import assert from "node:assert/strict";
import { sandboxKillReason, taskKillReason } from "./kill_reason.ts";

Deno.test("sandboxKillReason() names the worker's own kills before the signal they used", () => {
  const base = { timedOut: false, cancelled: false };
  assert.equal(sandboxKillReason({ ...base, timedOut: true, signal: "SIGKILL" }), "timeout");
  assert.equal(sandboxKillReason({ ...base, cancelled: true, signal: "SIGKILL" }), "cancelled");
  assert.equal(sandboxKillReason({ ...base, signal: "SIGXCPU" }), "cpu");
  assert.equal(sandboxKillReason({ ...base, signal: "SIGXFSZ" }), "file_size");
  assert.equal(sandboxKillReason({ ...base, signal: "SIGSEGV" }), "signal");
  assert.equal(sandboxKillReason(base), undefined);
});

Deno.test("taskKillReason() reads a kill from a task's outcome", () => {
  const run = (result: Record<string, unknown>) => ({ ok: true as const, result });
  assert.equal(taskKillReason(run({ timed_out: true, signal: "SIGKILL" })), "timeout");
  assert.equal(taskKillReason(run({ timed_out: false, signal: "SIGXCPU" })), "cpu");
  assert.equal(taskKillReason(run({ timed_out: false, signal: "SIGSEGV" })), "signal");
  assert.equal(taskKillReason(run({ timed_out: false, exit_code: 1 })), undefined);
  assert.equal(taskKillReason({ ok: false, error: { code: "CANCELLED" } }), "cancelled");
  assert.equal(taskKillReason({ ok: false, error: { code: "TIMEOUT" } }), "timeout");
  assert.equal(taskKillReason({ ok: false, error: { code: "NOT_FOUND" } }), undefined);
});
