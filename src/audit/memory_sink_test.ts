import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { sampleEvent } from "./_testing.ts";
import { ChainVerifier } from "./chain_verifier.ts";
import { GENESIS_HASH } from "./event.ts";
import { MemoryAuditSink } from "./memory_sink.ts";

Deno.test("MemoryAuditSink chains records from the genesis hash in call order", async () => {
  const clock = new FakeClock(Date.UTC(2026, 4, 1));
  const sink = new MemoryAuditSink({ clock });
  await sink.append(sampleEvent(1));
  clock.advance(1500);
  await Promise.all([2, 3, 4].map((n) => sink.append(sampleEvent(n))));
  await sink.close();
  const records = sink.records;
  assert.deepEqual(records.map((r) => r.seq), [1, 2, 3, 4]);
  assert.deepEqual(records.map((r) => r.duration_ms), [1, 2, 3, 4]);
  assert.equal(records[0]!.prev, GENESIS_HASH);
  assert.equal(records[1]!.prev, records[0]!.hash);
  assert.equal(records[0]!.ts, "2026-05-01T00:00:00.000Z");
  assert.equal(records[1]!.ts, "2026-05-01T00:00:01.500Z");
  assert.equal(records[0]!.kind, "tool_call");
  const verifier = new ChainVerifier();
  for (const record of records) {
    assert.equal(verifier.check(JSON.stringify(record)), undefined);
  }
});

Deno.test("MemoryAuditSink stores only known fields and the startup kind", async () => {
  const sink = new MemoryAuditSink();
  const event = { ...sampleEvent(1, { kind: "startup" }), extra: "not audited" };
  await sink.append(event);
  await sink.close();
  assert.equal(sink.records[0]!.kind, "startup");
  assert.ok(!("extra" in sink.records[0]!));
});

Deno.test("MemoryAuditSink rejects malformed events and appends after close", async () => {
  const sink = new MemoryAuditSink();
  // @ts-expect-error: a wrong decision is what this test feeds in
  await assert.rejects(sink.append(sampleEvent(1, { decision: "maybe" })), {
    code: "INVALID_ARGUMENT",
  });
  await sink.close();
  await assert.rejects(sink.append(sampleEvent(2)), /sink is closed/);
  assert.equal(sink.records.length, 0);
});
