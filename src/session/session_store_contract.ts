/**
 * The behaviour every {@link SessionStore} promises, as Deno tests: one suite run against each
 * implementation, so memory and Redis cannot drift apart.
 * @module
 */
import assert from "node:assert/strict";
import type { Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";

/** A store under test and how to release everything behind it. */
export interface StoreFixture {
  store: SessionStore;
  close(): Promise<void>;
}

/** Options for {@link runSessionStoreContract}. */
export interface ContractOptions {
  /** Skips every case (e.g. when the backing server is not installed). Default false. */
  ignore?: boolean;
}

const T0 = Date.UTC(2026, 0, 1);

/** A session created at `T0 + at`, last active then, with no optional fields. */
export function sampleSession(id: string, at = 0): Session {
  return {
    id,
    principal: `principal-${id}`,
    connectionId: `conn-${id}`,
    createdAt: T0 + at,
    lastActivityAt: T0 + at,
  };
}

/** Registers the contract cases for the store `make` builds (a fresh, empty one per case). */
export function runSessionStoreContract(
  name: string,
  make: () => Promise<StoreFixture>,
  options: ContractOptions = {},
): void {
  function contract(what: string, body: (store: SessionStore) => Promise<void>): void {
    Deno.test({
      name: `${name} ${what}`,
      ignore: options.ignore ?? false,
      async fn() {
        const fixture = await make();
        try {
          await body(fixture.store);
        } finally {
          await fixture.close();
        }
      },
    });
  }

  contract("returns a copy of what was put, not the same object", async (store) => {
    const session = sampleSession("a");
    await store.put(session);
    session.principal = "changed after put";
    const first = await store.get("a");
    assert.deepEqual(first, sampleSession("a"));
    first!.lastActivityAt = 0;
    assert.deepEqual(await store.get("a"), sampleSession("a"));
  });

  contract(
    "keeps workerId and rehomedFrom when set and leaves them absent otherwise",
    async (store) => {
      const full: Session = { ...sampleSession("a"), workerId: "w-2", rehomedFrom: "w-1" };
      await store.put(full);
      await store.put(sampleSession("b"));
      assert.deepEqual(await store.get("a"), full);
      const bare = await store.get("b");
      assert.deepEqual(bare, sampleSession("b"));
      assert.ok(!("workerId" in bare!) && !("rehomedFrom" in bare!));
    },
  );

  contract("put replaces the whole record, dropping fields the new one lacks", async (store) => {
    await store.put({ ...sampleSession("a"), workerId: "w-1", rehomedFrom: "w-0" });
    await store.put({ ...sampleSession("a", 5), workerId: "w-2" });
    assert.deepEqual(await store.get("a"), { ...sampleSession("a", 5), workerId: "w-2" });
    assert.equal(await store.count(), 1);
  });

  contract("touch moves lastActivityAt forward only and ignores unknown ids", async (store) => {
    await store.put(sampleSession("a", 100));
    await store.touch("a", T0 + 50);
    assert.equal((await store.get("a"))?.lastActivityAt, T0 + 100);
    await store.touch("a", T0 + 100);
    assert.equal((await store.get("a"))?.lastActivityAt, T0 + 100);
    await store.touch("a", T0 + 250);
    assert.deepEqual(await store.get("a"), {
      ...sampleSession("a", 100),
      lastActivityAt: T0 + 250,
    });
    await store.touch("nobody", T0 + 300);
    assert.equal(await store.get("nobody"), undefined);
    assert.equal(await store.count(), 1);
  });

  contract("idleSince returns sessions last active at or before the cutoff", async (store) => {
    await Promise.all([10, 20, 30].map((at) => store.put(sampleSession(`s${at}`, at))));
    assert.deepEqual(await idleIds(store, T0 + 9), []);
    assert.deepEqual(await idleIds(store, T0 + 20), ["s10", "s20"]);
    assert.deepEqual(await idleIds(store, T0 + 30), ["s10", "s20", "s30"]);
    await store.touch("s10", T0 + 40);
    assert.deepEqual(await idleIds(store, T0 + 30), ["s20", "s30"]);
    const [s20] = await store.idleSince(T0 + 20);
    assert.deepEqual(s20, sampleSession("s20", 20));
  });

  contract("delete removes a session from get, idleSince and count", async (store) => {
    await store.put(sampleSession("a"));
    await store.put(sampleSession("b"));
    await store.delete("a");
    await store.delete("never-stored");
    assert.equal(await store.get("a"), undefined);
    assert.deepEqual(await idleIds(store, T0 + 1), ["b"]);
    assert.equal(await store.count(), 1);
  });

  contract("count is the number of distinct sessions stored", async (store) => {
    assert.equal(await store.count(), 0);
    await store.put(sampleSession("a"));
    await store.put(sampleSession("b"));
    await store.put(sampleSession("a", 7));
    assert.equal(await store.count(), 2);
  });

  contract("keeps all of 100 sessions put concurrently", async (store) => {
    const sessions = Array.from({ length: 100 }, (_, i) => sampleSession(`c${i}`, i));
    await Promise.all(sessions.map((s) => store.put(s)));
    assert.equal(await store.count(), 100);
    const read = await Promise.all(sessions.map((s) => store.get(s.id)));
    assert.deepEqual(read, sessions);
    assert.equal((await store.idleSince(T0 + 99)).length, 100);
  });

  contract("get of an unknown id is undefined", async (store) => {
    assert.equal(await store.get("unknown"), undefined);
    await store.put(sampleSession("a"));
    assert.equal(await store.get("unknown"), undefined);
  });
}

async function idleIds(store: SessionStore, cutoff: number): Promise<string[]> {
  return (await store.idleSince(cutoff)).map((s) => s.id).sort();
}
