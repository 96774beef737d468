import assert from "node:assert/strict";
import { MISSED_DEADLINE_SESSIONS, MissedDeadlines } from "./_missed_deadlines.ts";

Deno.test("MissedDeadlines counts distinct sessions per worker within ten minutes", () => {
  let now = 0;
  const missed = new MissedDeadlines(() => now);
  assert.equal(MISSED_DEADLINE_SESSIONS, 3);
  assert.equal(missed.note("w", "a"), false);
  assert.equal(missed.note("w", "a"), false);
  assert.equal(missed.note("v", "b"), false, "another worker's miss counts for it alone");
  assert.equal(missed.note("w", "b"), false);
  now += 10 * 60_000 + 1; // a's and b's misses are too old now
  assert.equal(missed.note("w", "c"), false);
  assert.equal(missed.note("w", "d"), false);
  assert.equal(missed.note("w", "e"), true);
  missed.forget("w");
  assert.equal(missed.note("w", "f"), false);
});
