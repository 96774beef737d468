import assert from "node:assert/strict";
import { CodegenError, FakeClock } from "../core/mod.ts";
import { MemorySessionStore } from "./memory_session_store.ts";
import { SessionManager } from "./session_manager.ts";

function manager(clock: FakeClock): SessionManager {
  const sessions = new SessionManager({ store: new MemorySessionStore(), maxAgeMs: 1_000, clock });
  sessions.openConnection("conn");
  return sessions;
}

/**
 * A manager whose ended sessions are listed as `id:reason` (`connection:reason` for one
 * that never had a record); each end waits for `slowEnd` when given.
 */
function recording(
  store = new MemorySessionStore(),
  options: { clock?: FakeClock; slowEnd?: () => Promise<void> } = {},
): { sessions: SessionManager; ended: string[] } {
  const ended: string[] = [];
  const sessions = new SessionManager({
    store,
    maxAgeMs: 1_000,
    clock: options.clock ?? new FakeClock(),
    onEnd: async (s, reason) => {
      ended.push(`${s.id || s.connectionId}:${reason}`);
      await options.slowEnd?.();
    },
  });
  sessions.openConnection("conn");
  return { sessions, ended };
}

/** A store whose writes wait until `release()`. */
class GatedStore extends MemorySessionStore {
  #gate = Promise.withResolvers<void>();
  release(): void {
    this.#gate.resolve();
  }
  override async put(session: Parameters<MemorySessionStore["put"]>[0]): Promise<void> {
    await this.#gate.promise;
    await super.put(session);
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function cancelled(err: unknown): boolean {
  return err instanceof CodegenError && err.code === "CANCELLED";
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
  const { sessions, ended } = recording(store);
  const first = await sessions.forConnection("conn", "alice");
  await store.delete(first.id); // as when Redis is emptied
  const second = await sessions.forConnection("conn", "alice");
  assert.notEqual(second.id, first.id);
  assert.deepEqual(sessions.takeReplaced("conn"), { id: first.id, reason: "lost" });
  assert.deepEqual(ended, [`${first.id}:replaced`], "what was left of it is cleaned up");
  assert.equal(sessions.takeReplaced("conn"), undefined, "told once");
});

Deno.test("SessionManager: a lost session's remains wait for the calls still running in it", async () => {
  const store = new MemorySessionStore();
  const { sessions, ended } = recording(store);
  const first = await sessions.forConnection("conn", "alice");
  let finish = () => {};
  // a long run.python in the old session
  const running = sessions.inUse("conn", () => new Promise<void>((r) => finish = r));
  await store.delete(first.id); // Redis emptied meanwhile
  const second = await sessions.inUse("conn", () => sessions.forConnection("conn", "alice"));
  assert.notEqual(second.id, first.id);
  await settle();
  assert.deepEqual(ended, [], "its workspace stays while the run uses it");
  finish();
  await running;
  await settle();
  assert.deepEqual(ended, [`${first.id}:replaced`], "then what is left of it is cleaned up");
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
  sessions.openConnection("conn");
  const first = await sessions.forConnection("conn", "alice");
  await store.delete(first.id);
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => sessions.forConnection("conn", "alice")));
  assert.equal(a!.id, b!.id);
  assert.equal(b!.id, c!.id);
  assert.equal(ends, 1);
  assert.equal(await sessions.count(), 1);
});

Deno.test("SessionManager: a connection that closed never gets a session again", async () => {
  const { sessions, ended } = recording();
  const { id } = await sessions.forConnection("conn", "alice");
  await sessions.closeConnection("conn");
  assert.deepEqual(ended, [`${id}:closed`]);
  // a call that was already running when the connection closed asks for it afterwards
  await assert.rejects(sessions.forConnection("conn", "alice"), cancelled);
  assert.equal(await sessions.count(), 0);
  await assert.rejects(sessions.forConnection("never-opened", "alice"), cancelled);
});

Deno.test("SessionManager: a session still being opened when its connection closes is ended", async () => {
  const store = new GatedStore();
  const { sessions, ended } = recording(store);
  const opening = assert.rejects(sessions.forConnection("conn", "alice"), cancelled);
  await settle(); // its record is being written
  let closed = false;
  const closing = sessions.closeConnection("conn").then(() => closed = true);
  await settle();
  assert.equal(closed, false, "the close waits for the opening");
  store.release();
  await opening;
  await closing;
  assert.equal(ended.length, 1);
  assert.match(ended[0]!, /:closed$/);
  assert.equal(await sessions.count(), 0);
});

Deno.test("SessionManager: closing a connection ends its session once the calls using it end", async () => {
  const { sessions, ended } = recording();
  const { id } = await sessions.forConnection("conn", "alice");
  const work = Promise.withResolvers<void>();
  const use = sessions.inUse("conn", () => work.promise);
  const closing = sessions.closeConnection("conn");
  await settle();
  assert.deepEqual(ended, [], "not while a call still uses it");
  await assert.rejects(sessions.forConnection("conn", "alice"), cancelled);
  work.resolve();
  await use;
  await closing;
  assert.deepEqual(ended, [`${id}:closed`]);
  assert.equal(await sessions.count(), 0);
});

Deno.test("SessionManager: a call that starts while the sweep ends other sessions keeps its own", async () => {
  const clock = new FakeClock();
  const gate = Promise.withResolvers<void>();
  const { sessions, ended } = recording(undefined, { clock, slowEnd: () => gate.promise });
  sessions.openConnection("other");
  const other = await sessions.forConnection("other", "bob");
  clock.advance(1);
  const mine = await sessions.forConnection("conn", "alice");
  clock.advance(5_000); // both idle; "other" is first in line
  const sweep = sessions.expire();
  await settle();
  assert.deepEqual(ended, [`${other.id}:expired`], "the sweep is busy ending the first");
  const work = Promise.withResolvers<void>();
  const call = sessions.inUse("conn", async () => {
    const session = await sessions.forConnection("conn", "alice");
    await work.promise;
    return session;
  });
  gate.resolve();
  assert.deepEqual(await sweep, [other.id], "the busy one was left alone");
  work.resolve();
  assert.equal((await call).id, mine.id);
  assert.deepEqual(ended, [`${other.id}:expired`]);
  assert.equal(sessions.takeReplaced("conn"), undefined);
  assert.ok(await sessions.get(mine.id), "its record stays");
});

Deno.test("SessionManager: an idle stale record of a connection ends alone, the connection keeps its session", async () => {
  const clock = new FakeClock();
  const store = new MemorySessionStore();
  const { sessions, ended } = recording(store, { clock });
  await store.put({
    id: "stale",
    principal: "alice",
    connectionId: "conn",
    createdAt: 0,
    lastActivityAt: 0,
  });
  clock.advance(5_000);
  const current = await sessions.forConnection("conn", "alice");
  assert.deepEqual(await sessions.expire(), ["stale"]);
  assert.deepEqual(ended, ["stale:replaced"], "only what is left of it goes");
  assert.equal((await sessions.forConnection("conn", "alice")).id, current.id);
  assert.equal(sessions.takeReplaced("conn"), undefined);
});

Deno.test("SessionManager: a session whose record vanished still expires when idle, once", async () => {
  const clock = new FakeClock();
  const store = new MemorySessionStore();
  const { sessions, ended } = recording(store, { clock });
  const { id } = await sessions.forConnection("conn", "alice");
  await store.delete(id); // the key expired in Redis, or Redis was emptied
  clock.advance(500);
  assert.deepEqual(await sessions.expire(), [], "not idle long enough yet");
  clock.advance(600);
  assert.deepEqual(await sessions.expire(), [id]);
  assert.deepEqual(ended, [`${id}:expired`]);
  assert.deepEqual(sessions.takeReplaced("conn"), { id, reason: "expired" });
  clock.advance(5_000);
  assert.deepEqual(await sessions.expire(), []);
  assert.deepEqual(ended, [`${id}:expired`], "ended once");
});

Deno.test("SessionManager: a connection whose session was never recorded (the store was down) expires too", async () => {
  const clock = new FakeClock();
  let down = true;
  const store = new class extends MemorySessionStore {
    override put(session: Parameters<MemorySessionStore["put"]>[0]): Promise<void> {
      return down ? Promise.reject(new Error("store down")) : super.put(session);
    }
  }();
  const { sessions, ended } = recording(store, { clock });
  await assert.rejects(sessions.forConnection("conn", "alice"), /store down/);
  down = false;
  clock.advance(1_100);
  assert.deepEqual(await sessions.expire(), [], "it had no session to name");
  assert.deepEqual(ended, ["conn:expired"], "its connection is let go (an HTTP session closes)");
  clock.advance(5_000);
  await sessions.expire();
  assert.deepEqual(ended, ["conn:expired"], "once");
  // the connection, still open, gets a session when it comes back
  assert.ok((await sessions.forConnection("conn", "alice")).id);
});

Deno.test("SessionManager.servedCount counts this process's sessions, not a shared store's", async () => {
  const store = new MemorySessionStore();
  const [a, b] = [1, 2].map(() => new SessionManager({ store, maxAgeMs: 1_000 }));
  a!.openConnection("c1");
  b!.openConnection("c2");
  await a!.forConnection("c1", "alice");
  await b!.forConnection("c2", "bob");
  assert.equal(await a!.count(), 2, "the store holds both");
  assert.deepEqual([a!.servedCount, b!.servedCount], [1, 1]);
  await a!.closeConnection("c1");
  assert.equal(a!.servedCount, 0);
});
