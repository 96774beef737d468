import assert from "node:assert/strict";
import { CodegenError } from "../core/mod.ts";
import { ignoreWithoutRedis, startRedisServer } from "../../tests/support/redis_server.ts";
import { RedisSessionStore } from "./redis_session_store.ts";
import { rawClient } from "./_redis_testing.ts";
import { runSessionStoreContract, sampleSession } from "./session_store_contract.ts";

const ignore = ignoreWithoutRedis();

runSessionStoreContract("RedisSessionStore", async () => {
  const server = await startRedisServer();
  const store = new RedisSessionStore({ url: server.url, maxAgeMs: 60_000 });
  return {
    store,
    async close() {
      await store.close();
      await server.close();
    },
  };
}, { ignore });

/** A port nothing listens on (bound, then released). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test({
  name: "RedisSessionStore on a restarted coordinator sees the sessions stored before",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    const before = new RedisSessionStore({ url: server.url });
    await before.put({ ...sampleSession("a"), workerId: "w-1" });
    await before.put(sampleSession("b", 10));
    await before.close();
    const after = new RedisSessionStore({ url: server.url });
    try {
      assert.deepEqual(await after.get("a"), { ...sampleSession("a"), workerId: "w-1" });
      assert.equal(await after.count(), 2);
      assert.deepEqual((await after.idleSince(Date.UTC(2026, 0, 1) + 5)).map((s) => s.id), ["a"]);
    } finally {
      await after.close();
    }
  },
});

Deno.test({
  name: "RedisSessionStore.idleSince() leaves out the sessions another owner stored",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    const a = new RedisSessionStore({ url: server.url, owner: "coordinator-a" });
    const b = new RedisSessionStore({ url: server.url, owner: "coordinator-b" });
    const unstamped = new RedisSessionStore({ url: server.url });
    try {
      await a.put(sampleSession("of-a"));
      await b.put(sampleSession("of-b"));
      // written before owners were stamped: anyone may end it
      await unstamped.put(sampleSession("old"));
      const cutoff = Date.UTC(2026, 0, 1) + 5;
      const ids = async (store: RedisSessionStore) =>
        (await store.idleSince(cutoff)).map((s) => s.id).sort();
      assert.deepEqual(await ids(a), ["of-a", "old"]);
      assert.deepEqual(await ids(b), ["of-b", "old"]);
      // the others' sessions are still there to read, and counted
      assert.deepEqual(await a.get("of-b"), sampleSession("of-b"));
      assert.equal(await a.count(), 3);
    } finally {
      await a.close();
      await b.close();
      await unstamped.close();
    }
  },
});

Deno.test("RedisSessionStore fails fast with a clear error when Redis is unreachable", async () => {
  const port = closedPort();
  const store = new RedisSessionStore({ url: `redis://127.0.0.1:${port}` });
  try {
    const started = performance.now();
    const err = await store.get("a").catch((e: unknown) => e);
    assert.ok(performance.now() - started < 5_000, "the call took 5 s or more");
    assert.ok(err instanceof CodegenError);
    assert.equal(err.code, "WORKER_UNAVAILABLE");
    assert.equal(err.retriable, true);
    assert.match(
      err.message,
      new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${port} is unreachable: `),
    );
    await assert.rejects(store.put(sampleSession("a")), { code: "WORKER_UNAVAILABLE" });
    assert.equal(await store.ping(), false);
  } finally {
    await store.close();
  }
});

Deno.test({
  name:
    "RedisSessionStore.verify() calls a server that does not answer not fatal, one without the password fatal",
  ignore,
  async fn() {
    const down = new RedisSessionStore({ url: `redis://127.0.0.1:${closedPort()}` });
    await using server = await startRedisServer({ password: "needed-pw" });
    const noPassword = new RedisSessionStore({ url: server.url.replace(":needed-pw@", "") });
    try {
      const verdict = await down.verify();
      assert.ok(!verdict.ok && !verdict.fatal, JSON.stringify(verdict));
      assert.match(verdict.reason, /is unreachable/);
      const refused = await noPassword.verify();
      assert.ok(!refused.ok && refused.fatal, JSON.stringify(refused));
      assert.match(refused.reason, /refused the credentials in the URL: NOAUTH/);
    } finally {
      await down.close();
      await noPassword.close();
    }
  },
});

Deno.test("RedisSessionStore gives up on a server that accepts but never answers", async () => {
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of silent) accepted.push(conn);
  })();
  const { port } = silent.addr as Deno.NetAddr;
  const store = new RedisSessionStore({ url: `redis://127.0.0.1:${port}`, timeoutMs: 300 });
  try {
    const started = performance.now();
    await assert.rejects(store.count(), {
      code: "WORKER_UNAVAILABLE",
      message: new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${port} is unreachable: `),
    });
    assert.ok(performance.now() - started < 2_000, "the call was not bounded by the timeout");
  } finally {
    await store.close();
    silent.close();
    await accepting;
    for (const conn of accepted) conn.close();
  }
});

Deno.test("RedisSessionStore never puts the URL's password in an error", async () => {
  const store = new RedisSessionStore({ url: `redis://:s3cret-pw@127.0.0.1:${closedPort()}` });
  try {
    const err = await store.count().catch((e: unknown) => e);
    assert.ok(err instanceof CodegenError);
    assert.match(err.message, /^Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);
    for (const text of [err.message, String(err), String(err.cause), err.stack ?? ""]) {
      assert.ok(!text.includes("s3cret-pw"), `the password leaked into: ${text}`);
    }
  } finally {
    await store.close();
  }
});

Deno.test({
  name: "RedisSessionStore authenticates with the URL's password and reports a wrong one",
  ignore,
  async fn() {
    await using server = await startRedisServer({ password: "right-pw" });
    const good = new RedisSessionStore({ url: server.url });
    const bad = new RedisSessionStore({ url: server.url.replace("right-pw", "wrong-pw") });
    try {
      assert.equal(await good.ping(), true);
      await good.put(sampleSession("a"));
      assert.deepEqual(await good.get("a"), sampleSession("a"));
      const err = await bad.get("a").catch((e: unknown) => e);
      assert.ok(err instanceof CodegenError);
      assert.match(err.message, /refused the credentials in the URL: WRONGPASS/);
      assert.ok(!err.message.includes("wrong-pw") && !String(err.cause).includes("wrong-pw"));
      assert.equal(await bad.ping(), false);
      assert.deepEqual(await good.verify(), { ok: true });
      const verdict = await bad.verify();
      assert.ok(!verdict.ok && verdict.fatal, JSON.stringify(verdict));
      assert.ok(!verdict.reason.includes("wrong-pw"));
    } finally {
      await good.close();
      await bad.close();
    }
  },
});

Deno.test({
  name: "RedisSessionStore treats a corrupt record as absent instead of failing",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using raw = rawClient(server.url);
    const store = new RedisSessionStore({ url: server.url });
    try {
      await store.put(sampleSession("good"));
      await store.put(sampleSession("bad-number"));
      await store.put(sampleSession("wrong-type"));
      await raw.hset("codegen:session:bad-number", "lastActivityAt", "soon");
      await raw.del("codegen:session:wrong-type");
      await raw.set("codegen:session:wrong-type", "{not a hash");
      assert.equal(await store.get("bad-number"), undefined);
      assert.equal(await store.get("wrong-type"), undefined);
      const idle = await store.idleSince(Date.UTC(2026, 0, 2));
      assert.deepEqual(idle, [sampleSession("good")]);
    } finally {
      await store.close();
    }
  },
});

Deno.test({
  name: "RedisSessionStore lays out one hash per session and an activity index",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using raw = rawClient(server.url);
    const store = new RedisSessionStore({ url: server.url, keyPrefix: "t1:" });
    try {
      await store.put({ ...sampleSession("a", 5), workerId: "w-1" });
      assert.deepEqual(await raw.hgetall("t1:session:a"), {
        id: "a",
        principal: "principal-a",
        connectionId: "conn-a",
        workerId: "w-1",
        createdAt: String(Date.UTC(2026, 0, 1) + 5),
        lastActivityAt: String(Date.UTC(2026, 0, 1) + 5),
      });
      assert.equal(await raw.zscore("t1:sessions:activity", "a"), String(Date.UTC(2026, 0, 1) + 5));
      assert.equal(await raw.pttl("t1:session:a"), -1, "no maxAgeMs means no expiry");
      await store.delete("a");
      assert.deepEqual(await raw.keys("t1:*"), []);
    } finally {
      await store.close();
    }
  },
});

Deno.test({
  name: "RedisSessionStore drops index entries of records that expired on their own",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    await using raw = rawClient(server.url);
    const store = new RedisSessionStore({ url: server.url });
    try {
      await store.put(sampleSession("gone"));
      await store.put(sampleSession("kept"));
      await raw.del("codegen:session:gone"); // what an expired key looks like
      assert.equal(await store.count(), 2);
      assert.deepEqual(await store.idleSince(Date.UTC(2026, 0, 2)), [sampleSession("kept")]);
      assert.equal(await store.count(), 1);
    } finally {
      await store.close();
    }
  },
});

Deno.test({
  name: "RedisSessionStore instances with different key prefixes do not see each other",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    const one = new RedisSessionStore({ url: server.url, keyPrefix: "one:" });
    const two = new RedisSessionStore({ url: server.url, keyPrefix: "two:" });
    try {
      await one.put(sampleSession("a"));
      assert.equal(await two.get("a"), undefined);
      assert.equal(await two.count(), 0);
      assert.equal(await one.count(), 1);
    } finally {
      await one.close();
      await two.close();
    }
  },
});

Deno.test({
  name: "RedisSessionStore fails while Redis is down and works again once it is back",
  ignore,
  async fn() {
    const first = await startRedisServer();
    const store = new RedisSessionStore({ url: first.url });
    try {
      assert.equal(await store.ping(), true);
      await store.put(sampleSession("a"));
      await first.close();
      await assert.rejects(store.get("a"), { code: "WORKER_UNAVAILABLE" });
      await assert.rejects(store.idleSince(Date.now()), { code: "WORKER_UNAVAILABLE" });
      assert.equal(await store.ping(), false);
      await using _second = await startRedisServer({ port: first.port });
      assert.equal(await store.ping(), true);
      await store.put(sampleSession("b"));
      assert.deepEqual(await store.get("b"), sampleSession("b"));
    } finally {
      await store.close();
      await first.close();
    }
  },
});

Deno.test({
  name: "RedisSessionStore refuses calls after close and closes only once",
  ignore,
  async fn() {
    await using server = await startRedisServer();
    const store = new RedisSessionStore({ url: server.url });
    await store.put(sampleSession("a"));
    await store.close();
    await store.close();
    await assert.rejects(store.get("a"), { code: "INTERNAL", message: /store is closed/ });
    assert.equal(await store.ping(), false);
  },
});

Deno.test("RedisSessionStore rejects a maxAgeMs or timeoutMs that is not a positive number", () => {
  for (const bad of [0, -1, Number.NaN, Infinity]) {
    assert.throws(() => new RedisSessionStore({ url: "redis://127.0.0.1:1", maxAgeMs: bad }), {
      code: "CONFIG_INVALID",
    });
    assert.throws(() => new RedisSessionStore({ url: "redis://127.0.0.1:1", timeoutMs: bad }), {
      code: "CONFIG_INVALID",
    });
  }
});

Deno.test("RedisSessionStore rejects a URL that is not redis:// without echoing it", () => {
  assert.throws(() => new RedisSessionStore({ url: "http://u:hidden@127.0.0.1:1" }), {
    code: "CONFIG_INVALID",
    message: /must start with redis:\/\/ or rediss:\/\//,
  });
  assert.throws(
    () => new RedisSessionStore({ url: "::hidden" }),
    (err: unknown) => err instanceof CodegenError && !err.message.includes("hidden"),
  );
});

Deno.test("The session module loads without env access, and RedisSessionStore then says why it cannot", async () => {
  const moduleUrl = new URL("./mod.ts", import.meta.url).href;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const probe = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      probe,
      `import { MemorySessionStore, RedisSessionStore } from ${JSON.stringify(moduleUrl)};
await new MemorySessionStore().close();
const store = new RedisSessionStore({ url: "redis://127.0.0.1:1" });
const err = await store.get("x").catch((e) => e);
await store.close();
Deno.stdout.writeSync(new TextEncoder().encode(String(err)));`,
    );
    const args = ["run", "--config", config, "--quiet", "--no-prompt", "--allow-read", probe];
    const out = await new Deno.Command(Deno.execPath(), { args, stdin: "null" }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(
      stdout,
      /^CONFIG_INVALID: Cannot load the Redis client for --redis-url .*--ignore-env/,
    );
  } finally {
    await Deno.remove(probe);
  }
});
