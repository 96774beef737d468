import assert from "node:assert/strict";
import { settlesWithin } from "./within.ts";

Deno.test("settlesWithin: true when the promise settles in time, either way; false when late", async () => {
  assert.equal(await settlesWithin(Promise.resolve(1), 1_000), true);
  assert.equal(await settlesWithin(Promise.reject(new Error("x")), 1_000), true);
  const never = new Promise<void>(() => {});
  const started = Date.now();
  assert.equal(await settlesWithin(never, 30), false);
  assert.ok(Date.now() - started >= 25);
});
