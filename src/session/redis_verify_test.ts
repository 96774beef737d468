// RedisSessionStore.verify() against real ACL users: what the store cannot do is refused at
// start-up, not found out at every call.
import assert from "node:assert/strict";
import { ignoreWithoutRedis, startRedisServer } from "../../tests/support/redis_server.ts";
import { RedisSessionStore } from "./redis_session_store.ts";
import { rawClient } from "./_redis_testing.ts";

const ignore = ignoreWithoutRedis();

/** Every command the store sends (the scripts' ones included), on its own keys only. */
const STORE_COMMANDS = [
  "+ping",
  "+client|info",
  "+hgetall",
  "+zcard",
  "+zrangebyscore",
  "+multi",
  "+exec",
  "+del",
  "+hset",
  "+zadd",
  "+pexpire",
  "+eval",
  "+hget",
  "+pttl",
  "+exists",
  "+zrem",
];

async function verdictOf(url: string, maxAgeMs?: number) {
  const store = new RedisSessionStore({ url, ...(maxAgeMs ? { maxAgeMs } : {}) });
  try {
    return await store.verify();
  } finally {
    await store.close();
  }
}

/** A session record the tests store. */
const SESSION_A = { id: "a", principal: "p", connectionId: "c", createdAt: 1, lastActivityAt: 1 };

Deno.test({
  name: "RedisSessionStore.verify() refuses, as fatal, an ACL user that may read but not write",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using admin = rawClient(server.url);
    await admin.call("ACL", "SETUSER", "ro", "on", ">ropass", "~*", "+@read", "+eval", "+ping");
    await admin.call("ACL", "SETUSER", "ro", "+client|info");
    // may open a transaction, and still not write
    await admin.call("ACL", "SETUSER", "tx", "on", ">txpass", "~*", "+@read", "+eval", "+ping");
    await admin.call("ACL", "SETUSER", "tx", "+client|info", "+multi", "+exec");
    for (const user of ["ro:ropass", "tx:txpass"]) {
      const verdict = await verdictOf(`redis://${user}@127.0.0.1:${server.port}`, 60_000);
      assert.equal(verdict.ok, false, user);
      assert.ok(!verdict.ok && verdict.fatal, `${user}: ${JSON.stringify(verdict)}`);
      assert.match(verdict.reason, /refused a command: .*NOPERM/);
    }
  },
});

Deno.test({
  name:
    "RedisSessionStore.verify() accepts a user allowed only the store's commands and keys, leaving no key",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using admin = rawClient(server.url);
    await admin.call("ACL", "SETUSER", "app", "on", ">apppass", "~codegen:*", ...STORE_COMMANDS);
    const url = `redis://app:apppass@127.0.0.1:${server.port}`;
    assert.deepEqual(await verdictOf(url, 60_000), { ok: true });
    assert.deepEqual(await verdictOf(url), { ok: true }, "a store that sets no expiry");
    assert.deepEqual(await admin.keys("*"), [], "the probe record is gone");
    // and the store works with just these
    const store = new RedisSessionStore({ url, maxAgeMs: 60_000 });
    try {
      await store.put(SESSION_A);
      await store.touch("a", 2);
      assert.equal((await store.get("a"))?.lastActivityAt, 2);
      assert.deepEqual((await store.idleSince(5)).map((s) => s.id), ["a"]);
      await store.delete("a");
      assert.equal(await store.count(), 0);
    } finally {
      await store.close();
    }
  },
});

Deno.test({
  name: "RedisSessionStore.verify() refuses a user missing any one command the store sends",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using admin = rawClient(server.url);
    // the database number is read where the server tells it, and only then
    for (const missing of STORE_COMMANDS.filter((c) => c !== "+client|info")) {
      const allowed = STORE_COMMANDS.filter((c) => c !== missing);
      await admin.call(
        "ACL",
        "SETUSER",
        "app",
        "reset",
        "on",
        ">apppass",
        "~codegen:*",
        ...allowed,
      );
      const verdict = await verdictOf(`redis://app:apppass@127.0.0.1:${server.port}`, 60_000);
      assert.ok(!verdict.ok && verdict.fatal, `without ${missing}: ${JSON.stringify(verdict)}`);
    }
  },
});

Deno.test({
  name: "RedisSessionStore.verify() leaves the sessions and the index's expiry as they were",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using admin = rawClient(server.url);
    const store = new RedisSessionStore({ url: server.url });
    try {
      await store.put(SESSION_A);
      assert.deepEqual(await store.verify(), { ok: true });
      assert.deepEqual(await admin.zrange("codegen:sessions:activity", 0, -1), ["a"]);
      assert.equal(await admin.pttl("codegen:sessions:activity"), -1, "no expiry was set");
      assert.deepEqual((await admin.keys("*")).sort(), [
        "codegen:session:a",
        "codegen:sessions:activity",
      ]);
    } finally {
      await store.close();
    }
  },
});
