// A coordinator whose Redis user may not do what the session store does (read-only, say)
// stops at start-up with one line and exit 2, instead of failing every call later.
import assert from "node:assert/strict";
import { ignoreWithoutRedis, startRedisServer } from "../support/redis_server.ts";
import { runToExit, SERVE_HTTP } from "../support/run_main.ts";
import { rawClient } from "../../src/session/_redis_testing.ts";

Deno.test({
  name: "serve: a Redis ACL user that may read but not write is one line and exit 2",
  ignore: ignoreWithoutRedis(),
  async fn() {
    await using redis = await startRedisServer();
    await using admin = rawClient(redis.url);
    await admin.call("ACL", "SETUSER", "ro", "on", ">ropass", "~*", "+@read", "+eval", "+ping");
    await admin.call("ACL", "SETUSER", "ro", "+client|info");
    const run = await runToExit(SERVE_HTTP, {
      REDIS_URL: `redis://ro:ropass@127.0.0.1:${redis.port}`,
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /Cannot use --redis-url \(REDIS_URL\): Redis at redis:\/\/ro@127\.0\.0\.1:\d+ refused a command: .*NOPERM/,
    );
    assert.ok(!run.stderr.includes("ropass"), "the password was printed");
    assert.doesNotMatch(run.stderr, /\n\s+at /, "a stack trace was printed");
  },
});
