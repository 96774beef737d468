import assert from "node:assert/strict";
import { CodegenError } from "../../core/mod.ts";
import { testLimits } from "./_testing.ts";
import { CallDeadline, runTimeoutMs } from "./call_deadline.ts";

Deno.test("CallDeadline counts from when the call reached the worker", () => {
  const deadline = new CallDeadline({ startedAt: performance.now() - 4_000 }, 10_000);
  const left = deadline.leftMs();
  assert.ok(left <= 6_000 && left > 5_000, `${left} ms left`);
  assert.ok(deadline.startNow("a run slot") <= 6_000);
  assert.equal(deadline.waitNote(4_000), " (4 s of it waiting for its turn)");
  assert.equal(deadline.waitNote(200), "", "a short wait is not worth a word");
});

Deno.test("CallDeadline: a wait that used the whole timeout is a retriable TIMEOUT, before any run", () => {
  const deadline = new CallDeadline({ startedAt: performance.now() - 2_500 }, 2_000);
  assert.equal(deadline.leftMs(), 0);
  assert.throws(
    () => deadline.startNow("a run slot"),
    (e: unknown) =>
      e instanceof CodegenError && e.code === "TIMEOUT" && e.retriable &&
      /waited its whole timeout \(2 s\) for a run slot and did not start/.test(e.message),
  );
});

Deno.test("runTimeoutMs: the default when absent; INVALID_ARGUMENT outside (0, max]", () => {
  const limits = testLimits({ runTimeoutDefaultSeconds: 30, runTimeoutMaxSeconds: 600 });
  assert.equal(runTimeoutMs(undefined, limits), 30_000);
  assert.equal(runTimeoutMs(1.5, limits), 1_500);
  assert.equal(runTimeoutMs(600, limits), 600_000);
  for (const bad of [0, -1, 601, Number.NaN, "10", null]) {
    assert.throws(
      () => runTimeoutMs(bad, limits),
      (e: unknown) => e instanceof CodegenError && e.code === "INVALID_ARGUMENT",
      String(bad),
    );
  }
});
