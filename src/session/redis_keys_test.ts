import assert from "node:assert/strict";
import { ignoreWithoutRedis, startRedisServer } from "../../tests/support/redis_server.ts";
import { RedisSessionStore } from "./redis_session_store.ts";
import { rawClient } from "./_redis_testing.ts";
import { sampleSession } from "./session_store_contract.ts";

// The store's key expiry, and the start-up checks of what the server lets it do.

const ignore = ignoreWithoutRedis();

Deno.test({
  name: "RedisSessionStore expires keys after twice maxAgeMs and refreshes that on touch",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using raw = rawClient(server.url);
    const store = new RedisSessionStore({ url: server.url, maxAgeMs: 30 * 60_000 });
    try {
      await store.put(sampleSession("a"));
      const ttl = await raw.pttl("codegen:session:a");
      assert.ok(ttl > 59 * 60_000 && ttl <= 60 * 60_000, `ttl ${ttl}`);
      assert.ok(await raw.pttl("codegen:sessions:activity") > 59 * 60_000);
      await raw.pexpire("codegen:session:a", 10_000);
      await store.touch("a", Date.UTC(2026, 0, 1) + 1);
      assert.ok(await raw.pttl("codegen:session:a") > 59 * 60_000, "touch refreshed the expiry");
    } finally {
      await store.close();
    }
  },
});

Deno.test({
  name: "a store with a shorter maxAgeMs never cuts the shared index's expiry short",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using raw = rawClient(server.url);
    const long = new RedisSessionStore({ url: server.url, maxAgeMs: 30 * 60_000, owner: "a" });
    const short = new RedisSessionStore({ url: server.url, maxAgeMs: 1_000, owner: "b" });
    try {
      await long.put(sampleSession("a"));
      await short.put(sampleSession("b"));
      await short.touch("b", Date.UTC(2026, 0, 1) + 1);
      const left = await raw.pttl("codegen:sessions:activity");
      assert.ok(left > 59 * 60_000, `the index keeps the longer expiry: ${left} ms`);
      // a fresh index still gets one
      await raw.del("codegen:sessions:activity");
      await short.put(sampleSession("c"));
      const fresh = await raw.pttl("codegen:sessions:activity");
      assert.ok(fresh > 0 && fresh <= 2_000, `ttl ${fresh}`);
    } finally {
      await long.close();
      await short.close();
    }
  },
});

Deno.test({
  name:
    "RedisSessionStore.verify() is fatal for a database the server does not have and a user who may not run scripts",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using raw = rawClient(server.url);
    await raw.call(
      "ACL",
      "SETUSER",
      "noeval",
      "on",
      ">pw",
      "~*",
      "&*",
      "+@all",
      "-eval",
      "-evalsha",
    );
    const port = new URL(server.url).port;
    const stores = {
      db3: new RedisSessionStore({ url: `${server.url}/3` }),
      db99: new RedisSessionStore({ url: `${server.url}/99` }),
      noEval: new RedisSessionStore({ url: `redis://noeval:pw@127.0.0.1:${port}` }),
    };
    try {
      assert.deepEqual(await stores.db3.verify(), { ok: true });
      const db = await stores.db99.verify();
      assert.ok(!db.ok && db.fatal, JSON.stringify(db));
      assert.match(db.reason, /did not select database 99 .*would go to database 0/);
      const script = await stores.noEval.verify();
      assert.ok(!script.ok && script.fatal, JSON.stringify(script));
      assert.match(script.reason, /NOPERM/);
    } finally {
      for (const store of Object.values(stores)) await store.close();
    }
  },
});
