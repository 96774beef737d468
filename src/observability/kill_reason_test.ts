import assert from "node:assert/strict";
import { sandboxKillReason } from "./kill_reason.ts";

Deno.test("sandboxKillReason() names the worker's own kills before the signal they used", () => {
  const base = { timedOut: false, cancelled: false };
  assert.equal(sandboxKillReason({ ...base, timedOut: true, signal: "SIGKILL" }), "timeout");
  assert.equal(sandboxKillReason({ ...base, cancelled: true, signal: "SIGKILL" }), "cancelled");
  assert.equal(sandboxKillReason({ ...base, signal: "SIGXCPU" }), "cpu");
  assert.equal(sandboxKillReason({ ...base, signal: "SIGXFSZ" }), "file_size");
  assert.equal(sandboxKillReason({ ...base, signal: "SIGSEGV" }), "signal");
  assert.equal(sandboxKillReason(base), undefined);
});
