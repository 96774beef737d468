// A coordinator pointed at Redis with the wrong password (or none) stops at start-up with
// one line and exit 2; one whose Redis does not answer yet starts and reports not ready.
import assert from "node:assert/strict";
import { startHttpCoordinator } from "../support/http_coordinator.ts";
import { ignoreWithoutRedis, startRedisServer } from "../support/redis_server.ts";
import { runToExit, SERVE_HTTP } from "../support/run_main.ts";

/** Runs the coordinator to its exit (bounded: one that starts serving is killed at 30 s). */
function serve(redisUrl: string): Promise<{ code: number; stderr: string }> {
  return runToExit(SERVE_HTTP, { REDIS_URL: redisUrl });
}

Deno.test({
  name: "serve: Redis refusing the URL's password, or asking for one, is one line and exit 2",
  ignore: ignoreWithoutRedis(),
  async fn() {
    await using redis = await startRedisServer({ password: "right-pw" });
    const wrong = await serve(redis.url.replace("right-pw", "wrong-pw"));
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(
      wrong.stderr,
      /Cannot use --redis-url \(REDIS_URL\): Redis at redis:\/\/127\.0\.0\.1:\d+ refused the credentials in the URL: WRONGPASS/,
    );
    assert.ok(!wrong.stderr.includes("wrong-pw"), "the password was printed");
    assert.doesNotMatch(wrong.stderr, /\n\s+at /, "a stack trace was printed");

    const none = await serve(redis.url.replace(":right-pw@", ""));
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /Cannot use --redis-url \(REDIS_URL\): .*NOAUTH/);
  },
});

Deno.test({
  name: "serve: Redis that does not answer yet is logged, and the coordinator starts not ready",
  ignore: ignoreWithoutRedis(),
  async fn() {
    const redis = await startRedisServer();
    const { port } = redis;
    await redis.close();
    await using coordinator = await startHttpCoordinator({
      env: { REDIS_URL: `redis://127.0.0.1:${port}` },
    });
    assert.match(coordinator.log(), /Redis does not answer yet/);
    const ready = await fetch(`${coordinator.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(await ready.text(), /redis unreachable/);
    // once Redis is there, the coordinator is ready without a restart
    await using _back = await startRedisServer({ port });
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      const r = await fetch(`${coordinator.url}/readyz`);
      status = r.status;
      await r.body?.cancel();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 200);
  },
});
