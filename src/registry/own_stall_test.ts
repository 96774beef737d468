import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { WorkerRegistry } from "./mod.ts";
import { mustRegister } from "./_testing.ts";

const TIMEOUT_MS = 3_000; // heartbeats every second

/**
 * A registry on a fake clock and process time: `live` moves both and looks (as the sweep
 * does every second), `stop` moves both without a look (the process was not running).
 */
function stallable() {
  const clock = new FakeClock();
  let processMs = 0;
  const registry = new WorkerRegistry({
    clock,
    heartbeatTimeoutMs: TIMEOUT_MS,
    processNow: () => processMs,
  });
  const stop = (ms: number) => {
    clock.advance(ms);
    processMs += ms;
  };
  const live = (ms: number) => {
    stop(ms);
    registry.sweep();
  };
  return { registry, live, stop };
}

Deno.test("a worker silent while the coordinator itself was stopped is not removed for it", () => {
  const { registry, stop } = stallable();
  const id = mustRegister(registry, "w1");
  // stopped 6 s, then it looks before it reads the heartbeats that waited meanwhile
  stop(6_000);
  assert.deepEqual(registry.sweep(), [], "its silence was the coordinator's");
  // the heartbeat that waited is read: the worker is back as ever
  assert.equal(
    registry.heartbeat({
      workerId: "w1",
      registrationId: id,
      state: "ready",
      activeSessions: 0,
      activeTasks: 0,
    }).continueServing,
    true,
  );
  assert.ok(registry.get("w1"));
});

Deno.test("past the grace after a stall, and while the coordinator runs, silence removes a worker", () => {
  const { registry, live, stop } = stallable();
  mustRegister(registry, "w1");
  mustRegister(registry, "w2");
  stop(6_000);
  assert.deepEqual(registry.sweep(), []);
  // no heartbeat within two intervals of running again: silent for real
  for (let i = 0; i < 3; i++) live(1_000);
  assert.equal(registry.get("w1"), undefined);
  // running all along, looking every second: removed after the timeout as before
  const other = stallable();
  mustRegister(other.registry, "w3");
  const removed: string[] = [];
  for (let i = 0; i < 4 && removed.length === 0; i++) {
    other.stop(1_000);
    removed.push(...other.registry.sweep());
  }
  assert.deepEqual(removed, ["w3"]);
});

Deno.test("stalls that keep coming excuse a silent worker at most once per timeout", () => {
  const { registry, stop } = stallable();
  mustRegister(registry, "dead");
  // stopped 2 s of every 2.5 s, looking in between: a grace at most once per 3 s
  let removedAt: number | undefined;
  for (let t = 0; t < 20_000 && removedAt === undefined; t += 2_500) {
    stop(2_000);
    if (registry.sweep().length > 0) removedAt = t + 2_000;
    stop(500);
    if (registry.sweep().length > 0) removedAt = t + 2_500;
  }
  assert.ok(
    removedAt !== undefined && removedAt <= 2 * TIMEOUT_MS + 2_000,
    `removed at ${removedAt}`,
  );
});
