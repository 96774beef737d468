import assert from "node:assert/strict";
import { startLifecycleServer } from "./lifecycle_server.ts";
import { coordinatorUnreachable, LifecycleConnection } from "./lifecycle_client.ts";
import type { LifecycleHeartbeatRequest, LifecycleRegistry } from "./lifecycle_types.ts";

const REGISTRATION = {
  workerId: "w1",
  address: "10.0.0.5:50051",
  capabilities: { tools: ["fs.read", "run.python"], languages: ["python"], maxSessions: 8 },
  version: "9.9.9",
};

async function withLifecycle(
  registry: LifecycleRegistry,
  fn: (conn: LifecycleConnection) => Promise<void>,
): Promise<void> {
  const server = await startLifecycleServer({ token: "t", registry });
  const conn = new LifecycleConnection(`127.0.0.1:${server.port}`, { token: "t" });
  try {
    await fn(conn);
  } finally {
    conn.close();
    await server.close();
  }
}

Deno.test("a refusal reaches the worker with the registry's reason", async () => {
  const registry: LifecycleRegistry = {
    register: () => ({ accepted: false, reason: 'worker id "w1" is held by another token' }),
    heartbeat: () => ({ continueServing: true, commands: [] }),
    deregister: () => {},
  };
  await withLifecycle(registry, async (conn) => {
    assert.deepEqual(await conn.register(REGISTRATION), {
      accepted: false,
      reason: 'worker id "w1" is held by another token',
    });
  });
});

Deno.test("heartbeats and deregistration pass through with every field, answered asynchronously", async () => {
  const seen: (LifecycleHeartbeatRequest | string)[] = [];
  const registry: LifecycleRegistry = {
    register: () =>
      Promise.resolve({ accepted: true, registrationId: "r", heartbeatIntervalSec: 1 }),
    heartbeat(req) {
      seen.push(req);
      return Promise.resolve({
        continueServing: false,
        commands: ["drain"],
        liveSessionIds: ["s-1", "s-2"],
      });
    },
    deregister(req) {
      seen.push(`bye ${req.workerId} ${req.registrationId}`);
      return Promise.resolve();
    },
  };
  await withLifecycle(registry, async (conn) => {
    const hb = {
      workerId: "w1",
      registrationId: "r",
      state: "draining" as const,
      activeSessions: 3,
      activeTasks: 2,
    };
    assert.deepEqual(await conn.heartbeat(hb), {
      continueServing: false,
      commands: ["drain"],
      liveSessionIds: ["s-1", "s-2"],
    });
    await conn.deregister({ workerId: "w1", registrationId: "r" });
    assert.deepEqual(seen, [hb, "bye w1 r"]);
  });
});

Deno.test("a registry that throws answers the call with its error code", async () => {
  const registry: LifecycleRegistry = {
    register: () => {
      throw new Error("registry exploded");
    },
    heartbeat: () => ({ continueServing: true, commands: [] }),
    deregister: () => {},
  };
  await withLifecycle(registry, async (conn) => {
    await assert.rejects(conn.register(REGISTRATION), { code: "INTERNAL", message: /exploded/ });
  });
});

Deno.test("a worker that cannot reach the coordinator names the coordinator and what to check", async () => {
  // a port nothing listens on: taken, then given back
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const address = `127.0.0.1:${listener.addr.port}`;
  listener.close();
  const conn = new LifecycleConnection(address, { token: "t", callTimeoutMs: 5_000 });
  try {
    await assert.rejects(conn.register(REGISTRATION), (err: Error & { code?: string }) => {
      assert.equal(err.code, "WORKER_UNAVAILABLE");
      assert.match(err.message, new RegExp(`^Coordinator unreachable at "${address}": `));
      assert.match(err.message, /check --coordinator against the coordinator's GRPC_PORT/);
      assert.match(err.message, /TLS flags match on both sides/);
      assert.doesNotMatch(err.message, /Worker unreachable/);
      return true;
    });
  } finally {
    conn.close();
  }
});

Deno.test("coordinatorUnreachable() blames the network grant when the name lookup was refused", () => {
  const text = coordinatorUnreachable(
    "coordinator:18060",
    "No connection established. Last error: Error: getaddrinfo EPERM coordinator",
  );
  assert.match(text, /^Coordinator unreachable at "coordinator:18060": No connection/);
  assert.match(text, /\(the worker may not dial this host: its network grant allows only loopback/);
  assert.doesNotMatch(text, /GRPC_PORT/);
});
