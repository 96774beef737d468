import assert from "node:assert/strict";
import { parseRedisUrl, redact } from "./_redis_url.ts";

Deno.test("parseRedisUrl() shows the server without the password in its user part", () => {
  const parts = parseRedisUrl("redis://app:s3cret%21@redis.example:6379/0");
  assert.equal(parts.where, "redis://app@redis.example:6379/0");
  assert.deepEqual(parts.secrets.sort(), ["s3cret!", "s3cret%21"]);
});

Deno.test("parseRedisUrl() hides passwords given as query parameters, which the client honours", () => {
  const url = "rediss://redis.example/0?family=4&password=q%2Fs3cret&sentinelPassword=sent1nel";
  const parts = parseRedisUrl(url);
  assert.equal(
    parts.where,
    "rediss://redis.example/0?family=4&password=***&sentinelPassword=***",
  );
  for (const secret of ["q%2Fs3cret", "q/s3cret", "sent1nel"]) {
    assert.ok(parts.secrets.includes(secret), secret);
  }
  const message = redact(`cannot reach ${url} (password q/s3cret)`, parts.secrets);
  assert.ok(!/s3cret|sent1nel/.test(message), message);
});

Deno.test("parseRedisUrl() reads the database number from the path and refuses another path", () => {
  assert.equal(parseRedisUrl("redis://127.0.0.1:6379").db, 0);
  assert.equal(parseRedisUrl("redis://127.0.0.1:6379/").db, 0);
  assert.equal(parseRedisUrl("redis://127.0.0.1:6379/7").db, 7);
  assert.throws(() => parseRedisUrl("redis://127.0.0.1:6379/sessions"), {
    code: "CONFIG_INVALID",
    message: /path must be a database number/,
  });
});
