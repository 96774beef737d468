import assert from "node:assert/strict";
import { InFlight } from "./in_flight.ts";

Deno.test("InFlight counts operations until they settle, failures included", async () => {
  const inFlight = new InFlight();
  const first = Promise.withResolvers<string>();
  const second = Promise.withResolvers<string>();
  const a = inFlight.track(() => first.promise);
  const b = inFlight.track(() => second.promise);
  assert.equal(inFlight.count, 2);
  first.resolve("done");
  assert.equal(await a, "done");
  assert.equal(inFlight.count, 1);
  second.reject(new Error("lost"));
  await assert.rejects(b, /lost/);
  assert.equal(inFlight.count, 0);
});
