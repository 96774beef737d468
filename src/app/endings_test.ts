import assert from "node:assert/strict";
import { Endings } from "./endings.ts";

Deno.test("Endings waits for what was added, failed ones included, and forgets settled ones", async () => {
  const endings = new Endings("test");
  const done: string[] = [];
  endings.add(
    new Promise<void>((r) =>
      setTimeout(() => {
        done.push("slow");
        r();
      }, 30)
    ),
  );
  endings.add(Promise.reject(new Error("boom")));
  assert.equal(endings.size, 2);
  await endings.settled(5_000);
  assert.deepEqual(done, ["slow"]);
  assert.equal(endings.size, 0);
});

Deno.test("Endings stops waiting after its grace", async () => {
  const endings = new Endings("test");
  let release!: () => void;
  endings.add(new Promise<void>((r) => release = r));
  const started = performance.now();
  await endings.settled(50);
  assert.ok(performance.now() - started < 1_000);
  assert.equal(endings.size, 1);
  release();
  await endings.settled(1_000);
  assert.equal(endings.size, 0);
});
