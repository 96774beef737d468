import assert from "node:assert/strict";
import { fakeHandler } from "./_testing.ts";
import { startWorkerServiceServer } from "./worker_service_server.ts";
import { WorkerServiceConnection } from "./worker_service_client.ts";

/**
 * A TCP relay that can go silent: after `freeze()` it drops bytes in both directions but
 * keeps every socket open, like a peer whose host vanished without a reset.
 */
function silentableRelay(targetPort: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sockets: Deno.Conn[] = [];
  const pumps: Promise<void>[] = [];
  let frozen = false;
  async function pump(from: Deno.Conn, to: Deno.Conn) {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) return;
        if (!frozen) await to.write(buf.subarray(0, n));
      }
    } catch {
      // a socket closed at teardown
    }
  }
  const accepting = (async () => {
    for await (const inbound of listener) {
      const outbound = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
      sockets.push(inbound, outbound);
      pumps.push(pump(inbound, outbound), pump(outbound, inbound));
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    freeze() {
      frozen = true;
    },
    async close() {
      listener.close();
      await accepting.catch(() => {});
      for (const s of sockets) {
        try {
          s.close();
        } catch {
          // already closed
        }
      }
      await Promise.all(pumps);
    },
  };
}

Deno.test("a worker that goes silent mid-task is detected by keepalive and reported WORKER_UNAVAILABLE", async () => {
  const started = Promise.withResolvers<void>();
  const server = await startWorkerServiceServer(fakeHandler({
    executeTask: (_s, _t, options) => {
      started.resolve();
      return new Promise((resolve) =>
        options.signal.addEventListener(
          "abort",
          () =>
            resolve({ ok: false, error: { code: "CANCELLED", message: "x", retriable: false } }),
        )
      );
    },
  }));
  const relay = silentableRelay(server.port);
  const conn = new WorkerServiceConnection(`127.0.0.1:${relay.port}`, {
    keepalive: { intervalMs: 500, timeoutMs: 500 },
  });
  try {
    const running = conn.executeTask("s1", { tool: "workspace.stats", args: {} });
    await started.promise;
    const t0 = performance.now();
    relay.freeze();
    const outcome = await running;
    const elapsed = performance.now() - t0;
    assert.equal(outcome.ok ? "ok" : outcome.error.code, "WORKER_UNAVAILABLE");
    assert.ok(elapsed < 5_000, `detected after ${elapsed.toFixed(0)} ms`);
  } finally {
    conn.close();
    await relay.close();
    await server.close(0);
  }
});
