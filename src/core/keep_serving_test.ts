import assert from "node:assert/strict";
import { keepServing } from "./keep_serving.ts";

/** A fake `Deno.serve` whose listeners fail, or refuse to bind, when the test says. */
function fakeServe() {
  const listeners: {
    port: number;
    fail: (err: Error) => void;
    shutdowns: number;
  }[] = [];
  let refuse = 0;
  function serve(options: Deno.ServeTcpOptions): Deno.HttpServer<Deno.NetAddr> {
    if (refuse > 0) {
      refuse--;
      throw new Error("Too many open files (os error 24)");
    }
    const finished = Promise.withResolvers<void>();
    const port = options.port || 4321;
    const entry = { port, fail: finished.reject, shutdowns: 0 };
    listeners.push(entry);
    return {
      addr: { transport: "tcp", hostname: options.hostname ?? "", port },
      finished: finished.promise,
      shutdown: () => {
        entry.shutdowns++;
        finished.resolve();
        return Promise.resolve();
      },
      ref() {},
      unref() {},
      [Symbol.asyncDispose]: () => Promise.resolve(),
    };
  }
  return { serve, listeners, refuseNext: (n: number) => refuse = n };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok());
};

Deno.test("keepServing shuts a failed listener down and binds its port again", async () => {
  const fake = fakeServe();
  const server = keepServing(
    { hostname: "127.0.0.1", port: 0, name: "test", relistenMs: 10, serve: fake.serve },
    () => new Response(),
  );
  assert.equal(server.addr.port, 4321);
  fake.listeners[0]!.fail(new Error("Too many open files (os error 24)"));
  await until(() => fake.listeners.length === 2);
  assert.equal(fake.listeners[0]!.shutdowns, 1);
  assert.equal(fake.listeners[1]!.port, 4321);
  await server.shutdown();
  assert.equal(fake.listeners[1]!.shutdowns, 1);
  await server.finished;
});

Deno.test("keepServing retries a bind that fails, and stops retrying once shut down", async () => {
  const fake = fakeServe();
  const server = keepServing(
    { hostname: "127.0.0.1", port: 8080, name: "test", relistenMs: 10, serve: fake.serve },
    () => new Response(),
  );
  fake.refuseNext(2);
  fake.listeners[0]!.fail(new Error("Too many open files (os error 24)"));
  await until(() => fake.listeners.length === 2);
  assert.equal(fake.listeners[1]!.port, 8080);

  fake.listeners[1]!.fail(new Error("Too many open files (os error 24)"));
  fake.refuseNext(1_000);
  await server.shutdown();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(fake.listeners.length, 2); // no timer left to bind again
});
