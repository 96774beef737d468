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

Deno.test("SessionManager: a session whose record vanished is ended and replaced, and the caller told", async () => {
  const store = new MemorySessionStore();
  const ended: string[] = [];
  const sessions = new SessionManager({
    store,
    maxAgeMs: 1_000,
    clock: new FakeClock(),
    onEnd: (s, reason) => {
      ended.push(`${s.id}:${reason}`);
      return Promise.resolve();
    },
  });
  const first = await sessions.forConnection("conn", "alice");
  await store.delete(first.id); // as when Redis is emptied
  const second = await sessions.forConnection("conn", "alice");
  assert.notEqual(second.id, first.id);
  assert.deepEqual(sessions.takeReplaced("conn"), { id: first.id, reason: "lost" });
  assert.deepEqual(ended, [`${first.id}:closed`], "what was left of it is cleaned up");
  assert.equal(sessions.takeReplaced("conn"), undefined, "told once");
});

Deno.test("SessionManager: concurrent calls after a lost record share one new session", async () => {
  const store = new MemorySessionStore();
  let ends = 0;
  const sessions = new SessionManager({
    store,
    maxAgeMs: 1_000,
    clock: new FakeClock(),
    onEnd: async () => {
      ends++;
      await new Promise((r) => setTimeout(r, 10)); // a worker round trip
    },
  });
  const first = await sessions.forConnection("conn", "alice");
  await store.delete(first.id);
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => sessions.forConnection("conn", "alice")));
  assert.equal(a!.id, b!.id);
  assert.equal(b!.id, c!.id);
  assert.equal(ends, 1);
  assert.equal(await sessions.count(), 1);
});
