// A worker whose heartbeats stop reaching the coordinator while it keeps serving (the
// worker-to-coordinator path is cut, the other way works): it is removed, registers again
// once its heartbeats get through, and its sessions come back to it with their files.
import assert from "node:assert/strict";
import { connectMcp, startHttpCoordinator } from "../support/http_coordinator.ts";
import { resultText } from "../support/sdk_client.ts";
import { startWorkerProcess } from "../support/worker_process.ts";

const TOKEN = "silent-test-token";

/** A TCP relay to `port` on loopback that can hold every byte it would forward. */
function pausableRelay(port: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const pumps: Promise<void>[] = [];
  let paused = false;
  let closed = false;
  const waitWhilePaused = async () => {
    // bounded by the test's own deadlines: resume() or close() ends it
    while (paused && !closed) await new Promise((r) => setTimeout(r, 20));
  };
  async function pump(from: Deno.Conn, to: Deno.Conn): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        await waitWhilePaused();
        if (closed) break;
        await to.write(buf.subarray(0, n));
      }
    } catch { /* a side closed */ }
    await to.closeWrite().catch(() => {}); // the other side may be closed already
  }
  const accepting = (async () => {
    try {
      for await (const inbound of listener) {
        const outbound = await Deno.connect({ hostname: "127.0.0.1", port });
        conns.add(inbound).add(outbound);
        pumps.push(pump(inbound, outbound), pump(outbound, inbound));
      }
    } catch { /* the listener closed */ }
  })();
  return {
    port: listener.addr.port,
    pause: () => void (paused = true),
    resume: () => void (paused = false),
    async close() {
      closed = true;
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await accepting;
      await Promise.all(pumps);
    },
  };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), `timed out waiting: ${what}`);
}

Deno.test("fleet: a worker whose heartbeats were lost for a while gets its session back, files intact, with no notice of a move", async () => {
  await using coordinator = await startHttpCoordinator({
    args: ["--local-workers", "0"],
    env: { WORKER_TOKEN: TOKEN, WORKER_HEARTBEAT_TIMEOUT: "3s" },
  });
  const relay = pausableRelay(coordinator.grpcPort);
  try {
    await using _quiet = await startWorkerProcess({
      id: "w-quiet",
      coordinator: `127.0.0.1:${relay.port}`,
      workspaceRoot: `${coordinator.dir}/w-quiet`,
      env: { WORKER_TOKEN: TOKEN },
    });
    const client = await connectMcp(coordinator.url, "silent");
    try {
      const wrote = await client.callTool({
        name: "fs.write",
        arguments: { path: "a.txt", contents: "kept" },
      });
      assert.equal(wrote.isError, undefined, resultText(wrote));
      // a second worker with more room, where a moved session would land
      await using _other = await startWorkerProcess({
        id: "w-other",
        coordinator: `127.0.0.1:${coordinator.grpcPort}`,
        workspaceRoot: `${coordinator.dir}/w-other`,
        env: { WORKER_TOKEN: TOKEN },
      });

      relay.pause();
      await until(
        "w-quiet removed",
        () => /w-quiet[^\n]*missed its heartbeats/.test(coordinator.log()),
        15_000,
      );
      relay.resume();
      const registered = () => coordinator.log().match(/"w-quiet\\?" registered at/g)?.length ?? 0;
      await until("w-quiet registered again", () => registered() >= 4, 15_000);

      const read = await client.callTool({ name: "fs.read", arguments: { path: "a.txt" } });
      assert.equal(read.isError, undefined, resultText(read));
      assert.equal(resultText(read), "kept", "the files are there, and no notice claims a move");
      const info = await client.callTool({ name: "session.info", arguments: {} });
      const s = info.structuredContent as { worker_id: string; rehomed_from?: string };
      assert.equal(s.worker_id, "w-quiet");
      assert.equal(s.rehomed_from, undefined);
      assert.match(coordinator.log(), /is back on worker[^\n]*w-quiet[^\n]*files intact/);
    } finally {
      await client.close();
    }
  } finally {
    await relay.close();
  }
});
