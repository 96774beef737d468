// SessionManager over a real Redis that stops, or comes back empty: sessions still end, once.
import assert from "node:assert/strict";
import { FakeClock } from "../core/mod.ts";
import { ignoreWithoutRedis, startRedisServer } from "../../tests/support/redis_server.ts";
import { RedisSessionStore } from "./redis_session_store.ts";
import { SessionManager } from "./session_manager.ts";

const ignore = ignoreWithoutRedis();

/** A manager on Redis at `url` whose ended sessions are listed as `id:reason`. */
function onRedis(url: string, clock: FakeClock) {
  const store = new RedisSessionStore({ url, maxAgeMs: 60_000, timeoutMs: 500 });
  const ended: string[] = [];
  const sessions = new SessionManager({
    store,
    maxAgeMs: 1_000,
    clock,
    onEnd: (s, reason) => {
      ended.push(`${s.id || s.connectionId}:${reason}`);
      return Promise.resolve();
    },
  });
  sessions.openConnection("conn");
  return { store, sessions, ended, [Symbol.asyncDispose]: () => store.close() };
}

Deno.test({
  name: "SessionManager on Redis ends a closed connection's session while Redis is down, once",
  ignore,
  async fn() {
    const clock = new FakeClock();
    const first = await startRedisServer();
    await using m = onRedis(first.url, clock);
    const { id } = await m.sessions.forConnection("conn", "alice");
    await first.close();
    await m.sessions.closeConnection("conn");
    assert.deepEqual(m.ended, [`${id}:closed`], "its workspace is removed and its slot freed");
    await using _back = await startRedisServer({ port: first.port });
    clock.advance(5_000);
    assert.deepEqual(await m.sessions.expire(), []);
    assert.deepEqual(m.ended, [`${id}:closed`], "ended once");
  },
});

Deno.test({
  name: "SessionManager on Redis ends a closed connection's session after Redis restarted empty",
  ignore,
  async fn() {
    const first = await startRedisServer();
    await using m = onRedis(first.url, new FakeClock());
    const { id } = await m.sessions.forConnection("conn", "alice");
    await first.close();
    await using _back = await startRedisServer({ port: first.port });
    await m.sessions.closeConnection("conn");
    assert.deepEqual(m.ended, [`${id}:closed`]);
    assert.equal(await m.sessions.count(), 0);
  },
});

Deno.test({
  name: "SessionManager on Redis expires connections never recorded while Redis is down",
  ignore,
  async fn() {
    const clock = new FakeClock();
    const server = await startRedisServer();
    await using m = onRedis(server.url, clock);
    await server.close();
    await assert.rejects(m.sessions.forConnection("conn", "alice"), /unreachable/);
    clock.advance(1_100);
    assert.deepEqual(await m.sessions.expire(), [], "it had no session to name");
    assert.deepEqual(
      m.ended,
      ["conn:expired"],
      "its connection is let go (an HTTP session closes)",
    );
  },
});
