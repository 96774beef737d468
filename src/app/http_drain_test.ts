import assert from "node:assert/strict";
import { drainHttp } from "./http_drain.ts";

function target(running: number) {
  const state = { running, drained: false };
  return {
    state,
    target: { drain: () => state.drained = true, running: () => state.running },
  };
}

const never = new Promise<void>(() => {});

Deno.test("drainHttp stops new sessions and returns at once when no call runs", async () => {
  const { state, target: t } = target(0);
  const started = performance.now();
  await drainHttp(t, 30_000, never);
  assert.equal(state.drained, true);
  assert.ok(performance.now() - started < 100);
});

Deno.test("drainHttp waits for the running calls, then a moment for their answers to go out", async () => {
  const { state, target: t } = target(2);
  setTimeout(() => state.running = 1, 100);
  setTimeout(() => state.running = 0, 300);
  const started = performance.now();
  await drainHttp(t, 30_000, never);
  const took = performance.now() - started;
  assert.equal(state.running, 0);
  assert.ok(took >= 500 && took < 2_000, `drained in ${took} ms`);
});

Deno.test("drainHttp gives up when its grace ends, or at a second signal", async () => {
  const { target: t } = target(1);
  let started = performance.now();
  await drainHttp(t, 300, never);
  let took = performance.now() - started;
  assert.ok(took >= 300 && took < 1_500, `grace ended after ${took} ms`);

  const hurry = Promise.withResolvers<void>();
  setTimeout(() => hurry.resolve(), 100);
  started = performance.now();
  await drainHttp(t, 30_000, hurry.promise);
  took = performance.now() - started;
  assert.ok(took >= 100 && took < 1_500, `hurried after ${took} ms`);
});
