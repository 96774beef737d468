import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { MemorySessionStore } from "./memory_session_store.ts";
import { SessionManager } from "./session_manager.ts";

function manager(clock: FakeClock): SessionManager {
  return new SessionManager({ store: new MemorySessionStore(), maxAgeMs: 1_000, clock });
}

Deno.test("SessionManager: a session in use does not expire, and is idle again from when the use ends", async () => {
  const clock = new FakeClock();
  const sessions = manager(clock);
  const { id } = await sessions.forConnection("conn", "alice");
  let finish = () => {};
  const running = sessions.inUse("conn", () => new Promise<void>((r) => finish = r));
  clock.advance(5_000);
  assert.deepEqual(await sessions.expire(), [], "a long call outlasts the idle limit");
  finish();
  await running;
  await Promise.resolve(); // the touch is not awaited by the caller
  clock.advance(600);
  assert.deepEqual(await sessions.expire(), [], "idle 600 ms since the call ended");
  clock.advance(600);
  assert.deepEqual(await sessions.expire(), [id]);
  assert.equal(await sessions.count(), 0);
});

Deno.test("SessionManager: a failed use still releases the session", async () => {
  const clock = new FakeClock();
  const sessions = manager(clock);
  const { id } = await sessions.forConnection("conn", "alice");
  await assert.rejects(sessions.inUse("conn", () => Promise.reject(new Error("boom"))), /boom/);
  clock.advance(2_000);
  assert.deepEqual(await sessions.expire(), [id]);
});
