// SessionManager when its store cannot answer or lost its records: sessions still end, once.
import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { MemorySessionStore } from "./memory_session_store.ts";
import type { Session } from "./session.ts";
import { SessionManager } from "./session_manager.ts";

/** A memory store that fails every call while `down` is set, as Redis does when stopped. */
class FlakyStore extends MemorySessionStore {
  down = false;
  #check(): Promise<void> {
    return this.down ? Promise.reject(new Error("store down")) : Promise.resolve();
  }
  override async get(id: string): Promise<Session | undefined> {
    await this.#check();
    return super.get(id);
  }
  override async put(session: Session): Promise<void> {
    await this.#check();
    await super.put(session);
  }
  override async delete(id: string): Promise<void> {
    await this.#check();
    await super.delete(id);
  }
  override async touch(id: string, at: number): Promise<void> {
    await this.#check();
    await super.touch(id, at);
  }
  override async idleSince(cutoff: number): Promise<Session[]> {
    await this.#check();
    return super.idleSince(cutoff);
  }
}

/** A manager over `store` whose ended sessions are listed as `id:reason` (or `connection:reason`). */
function recording(
  store: MemorySessionStore,
  options: { clock?: FakeClock; slowEnd?: () => Promise<void> } = {},
) {
  const ended: string[] = [];
  const seen: Session[] = [];
  const sessions = new SessionManager({
    store,
    maxAgeMs: 1_000,
    clock: options.clock ?? new FakeClock(),
    onEnd: async (s, reason) => {
      ended.push(`${s.id || s.connectionId}:${reason}`);
      seen.push(s);
      await options.slowEnd?.();
    },
  });
  sessions.openConnection("conn");
  return { sessions, ended, seen };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

Deno.test("SessionManager.closeConnection() ends the session while the store cannot be read", async () => {
  const store = new FlakyStore();
  const { sessions, ended, seen } = recording(store);
  const { id } = await sessions.forConnection("conn", "alice");
  store.down = true;
  await sessions.closeConnection("conn");
  assert.deepEqual(ended, [`${id}:closed`], "its workspace is removed and its slot freed");
  assert.equal(seen[0]!.connectionId, "conn", "what the router and tasks need is known");
  assert.equal(sessions.servedCount, 0);
});

Deno.test("SessionManager.closeConnection() ends the session whose record the store lost", async () => {
  const store = new FlakyStore();
  const { sessions, ended } = recording(store);
  const { id } = await sessions.forConnection("conn", "alice");
  await store.delete(id); // Redis restarted empty, or was flushed
  await sessions.closeConnection("conn");
  assert.deepEqual(ended, [`${id}:closed`]);
});

Deno.test("SessionManager: a session closed while the store is down is not ended again when it is back", async () => {
  const clock = new FakeClock();
  const store = new FlakyStore();
  const { sessions, ended } = recording(store, { clock });
  const { id } = await sessions.forConnection("conn", "alice");
  store.down = true;
  await sessions.closeConnection("conn");
  store.down = false; // back with the record its delete could not remove
  assert.equal(await sessions.count(), 1);
  clock.advance(5_000);
  assert.deepEqual(await sessions.expire(), []);
  assert.deepEqual(ended, [`${id}:closed`], "ended once");
  assert.equal(await sessions.count(), 0, "the sweep deleted the record left behind");
});

Deno.test("SessionManager: a sweep racing a connection's close ends the session once", async () => {
  const clock = new FakeClock();
  const gate = Promise.withResolvers<void>();
  const { sessions, ended } = recording(new FlakyStore(), {
    clock,
    slowEnd: () => gate.promise,
  });
  const { id } = await sessions.forConnection("conn", "alice");
  clock.advance(5_000);
  const closing = sessions.closeConnection("conn");
  await settle(); // its workspace is being removed; the record is still there
  const sweep = sessions.expire();
  await settle();
  gate.resolve();
  await closing;
  assert.deepEqual(await sweep, []);
  assert.deepEqual(ended, [`${id}:closed`]);
});

Deno.test("SessionManager.expire() still expires never-recorded connections while the store cannot list sessions", async () => {
  const clock = new FakeClock();
  const store = new FlakyStore();
  const { sessions, ended } = recording(store, { clock });
  sessions.openConnection("recorded");
  const { id } = await sessions.forConnection("recorded", "bob");
  store.down = true;
  await assert.rejects(sessions.forConnection("conn", "alice"), /store down/);
  clock.advance(1_100);
  assert.deepEqual(await sessions.expire(), [], "it had no session to name");
  assert.deepEqual(ended, ["conn:expired"], "its connection is let go without the store");
  store.down = false;
  assert.deepEqual(await sessions.expire(), [id], "a recorded one waits for the store");
  assert.deepEqual(ended, ["conn:expired", `${id}:expired`]);
});
