import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { TokenRefusals } from "./token_refusals.ts";

Deno.test("TokenRefusals remembers a worker's refused fingerprint, and only that one", () => {
  const refusals = new TokenRefusals({ clock: new FakeClock() });
  refusals.refuse("w1", "h:1", "f1");
  assert.equal(refusals.refuses("w1", "h:1", "f1"), true);
  assert.equal(refusals.refuses("w1", "h:1", "f2"), false, "another token may be the right one");
  assert.equal(refusals.refuses("w2", "h:1", "f1"), false);
  assert.equal(
    refusals.refuses("w1", "h:2", "f1"),
    false,
    "the same id from another address (its address fixed) is called again",
  );
  refusals.forget("w1", "h:1");
  assert.equal(refusals.refuses("w1", "h:1", "f1"), false);
});

Deno.test("TokenRefusals forgets a refusal after its time to live", () => {
  const clock = new FakeClock();
  const refusals = new TokenRefusals({ clock, ttlMs: 60_000 });
  refusals.refuse("w1", "h:1", "f1");
  clock.advance(30_000);
  refusals.refuse("w2", "h:1", "f2");
  clock.advance(30_000);
  assert.equal(refusals.refuses("w1", "h:1", "f1"), false, "w1 is 60 s old");
  assert.equal(refusals.refuses("w2", "h:1", "f2"), true, "w2 is 30 s old");
  // refused again: its time starts over
  refusals.refuse("w2", "h:1", "f2");
  clock.advance(59_999);
  assert.equal(refusals.refuses("w2", "h:1", "f2"), true);
  assert.equal(refusals.size, 1);
});

Deno.test("TokenRefusals keeps at most maxEntries workers however many ids come and go", () => {
  const refusals = new TokenRefusals({ clock: new FakeClock(), maxEntries: 100 });
  for (let i = 0; i < 10_000; i++) refusals.refuse(`pod-${i}`, "h:1", "f");
  assert.equal(refusals.size, 100);
  assert.equal(refusals.refuses("pod-9999", "h:1", "f"), true, "the newest are kept");
  assert.equal(refusals.refuses("pod-9899", "h:1", "f"), false, "the oldest are dropped");
});

Deno.test("TokenRefusals remembers for a minute by default", () => {
  const clock = new FakeClock();
  const refusals = new TokenRefusals({ clock });
  refusals.refuse("w1", "h:1", "f1");
  clock.advance(59_000);
  assert.equal(refusals.refuses("w1", "h:1", "f1"), true);
  clock.advance(1_000);
  assert.equal(refusals.refuses("w1", "h:1", "f1"), false);
});
