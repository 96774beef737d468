import assert from "node:assert/strict";
import { createHealth } from "./health.ts";
import { READINESS_REASONS, readinessFrom } from "./readiness.ts";

const READY = { transportsListening: () => true, workersWithCapacity: () => 1 };

Deno.test("readinessFrom() is ready when transports listen and a worker has capacity", async () => {
  assert.deepEqual(await readinessFrom(READY)(), { ok: true, reasons: [] });
});

Deno.test("readinessFrom() gives one reason per failing part", async () => {
  const check = readinessFrom({
    transportsListening: () => false,
    workersWithCapacity: () => 0,
    redisPing: () => Promise.resolve(false),
  });
  assert.deepEqual(await check(), {
    ok: false,
    reasons: [
      "transports not listening",
      "no worker with free capacity",
      "redis unreachable",
    ],
  });
});

Deno.test("readinessFrom() calls Redis unreachable when the ping throws", async () => {
  const check = readinessFrom({
    ...READY,
    redisPing: () => Promise.reject(new Error("ECONNREFUSED")),
  });
  assert.deepEqual(await check(), { ok: false, reasons: [READINESS_REASONS.redis] });
});

Deno.test("readinessFrom() stops waiting for a silent Redis after pingTimeoutMs", async () => {
  const never = Promise.withResolvers<boolean>();
  const check = readinessFrom({ ...READY, redisPing: () => never.promise }, { pingTimeoutMs: 5 });
  assert.deepEqual(await check(), { ok: false, reasons: [READINESS_REASONS.redis] });
  never.resolve(true);
});

Deno.test("readinessFrom() is ready when Redis answers in time", async () => {
  const check = readinessFrom({ ...READY, redisPing: () => Promise.resolve(true) });
  assert.deepEqual(await check(), { ok: true, reasons: [] });
});

Deno.test("createHealth() reads a throwing check as not ready, with its message", async () => {
  const health = createHealth({ ready: () => Promise.reject(new Error("registry gone")) });
  assert.deepEqual(await health.ready(), {
    ok: false,
    reasons: ["readiness check failed: registry gone"],
  });
  assert.deepEqual(health.live(), { status: "ok" });
});

Deno.test("createHealth() is not ready after drain() even when every check passes", async () => {
  const health = createHealth({ ready: readinessFrom(READY) });
  assert.equal((await health.ready()).ok, true);
  health.drain();
  assert.deepEqual(await health.ready(), { ok: false, reasons: ["shutting down"] });
  assert.deepEqual(health.live(), { status: "ok" });
});
