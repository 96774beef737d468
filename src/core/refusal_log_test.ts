import assert from "node:assert/strict";
import { RefusalLog } from "./refusal_log.ts";

Deno.test("RefusalLog logs a caller's 1st, 2nd, 4th, 8th... refusal, whatever its port", () => {
  const log = new RefusalLog();
  const logged = [];
  for (let i = 1; i <= 20; i++) logged.push(log.note(`10.0.0.1:${40000 + i}`));
  assert.deepEqual(logged.filter((n) => n !== undefined), [1, 2, 4, 8, 16]);
  assert.equal(log.note("[::1]:5000"), 1, "another host counts on its own");
});

Deno.test("RefusalLog remembers a bounded number of hosts", () => {
  const log = new RefusalLog(2);
  log.note("a:1");
  log.note("b:1");
  log.note("c:1"); // forgets a
  assert.equal(log.note("a:1"), 1);
  assert.equal(log.note("c:1"), 2);
});
