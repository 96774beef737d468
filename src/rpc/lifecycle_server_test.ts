import assert from "node:assert/strict";
import { configureSync, type LogRecord, resetSync } from "@logtape/logtape";
import { addressProblem, startLifecycleServer } from "./lifecycle_server.ts";
import { coordinatorUnreachable, LifecycleConnection } from "./lifecycle_client.ts";
import { openChannel } from "./channel.ts";
import { callUnary } from "./_unary.ts";
import { WorkerLifecycleClient } from "./gen/codegen/v1/lifecycle.ts";
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

/** Runs `fn` with the project's log records collected instead of written. */
async function collectingLogs(fn: (records: LogRecord[]) => Promise<void>): Promise<void> {
  const records: LogRecord[] = [];
  configureSync({
    reset: true,
    sinks: { memory: (r) => records.push(r) },
    loggers: [
      { category: ["codegen"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  try {
    await fn(records);
  } finally {
    resetSync();
  }
}

Deno.test("a worker with a huge id and a bad token is told UNAUTHENTICATED, its id cut short", async () => {
  const registry: LifecycleRegistry = {
    register: () => ({ accepted: true, registrationId: "r", heartbeatIntervalSec: 1 }),
    heartbeat: () => ({ continueServing: true, commands: [] }),
    deregister: () => {},
  };
  const server = await startLifecycleServer({ token: "t", registry });
  // the right token in metadata, another in the body: the handler's own check refuses it
  const client = openChannel(WorkerLifecycleClient, `127.0.0.1:${server.port}`, { token: "t" });
  try {
    const huge = "w".repeat(3_900_000);
    const call = callUnary(client, client.registerWorker, {
      request: {
        worker_id: huge,
        auth_token: "wrong",
        grpc_address: REGISTRATION.address,
        capabilities: { tools: [], languages: [], max_sessions: 1 },
        version: "1",
      },
      timeoutMs: 10_000,
    });
    await assert.rejects(call, (err: Error) => {
      assert.equal((err as Error & { code?: string }).code, "UNAUTHENTICATED");
      assert.ok(err.message.length < 400, `message of ${err.message.length} characters`);
      assert.match(err.message, /Worker "w{80}…" sent a bad token/);
      return true;
    });
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("a refused worker's id is logged cut short", async () => {
  const registry: LifecycleRegistry = {
    register: () => ({ accepted: false, reason: "Invalid worker id" }),
    heartbeat: () => ({ continueServing: true, commands: [] }),
    deregister: () => {},
  };
  await collectingLogs(async (records) => {
    await withLifecycle(registry, async (conn) => {
      const res = await conn.register({ ...REGISTRATION, workerId: "x".repeat(2_000_000) });
      assert.equal(res.accepted, false);
    });
    const refused = records.find((r) => r.rawMessage === "Refused worker {id}: {reason}");
    assert.ok(refused, "the refusal is logged");
    const logged = JSON.stringify(refused.properties);
    assert.ok(logged.length < 300, `log properties of ${logged.length} characters`);
  });
});

Deno.test("a worker address with a scheme is refused with the reason, before the registry", async () => {
  const seen: string[] = [];
  const registry: LifecycleRegistry = {
    register(req) {
      seen.push(req.address);
      return { accepted: true, registrationId: "r", heartbeatIntervalSec: 1 };
    },
    heartbeat: () => ({ continueServing: true, commands: [] }),
    deregister: () => {},
  };
  await withLifecycle(registry, async (conn) => {
    const res = await conn.register({ ...REGISTRATION, address: "dns:///127.0.0.1:50051" });
    assert.deepEqual(res, {
      accepted: false,
      reason: 'Invalid worker address "dns:///127.0.0.1:50051": give host:port without a scheme',
    });
    assert.deepEqual(seen, []);
  });
});

Deno.test("addressProblem() takes host:port and bracketed IPv6, and refuses schemes and bare IPv6", () => {
  for (const ok of ["10.0.0.5:50051", "[::1]:5", "worker-0.workers.svc.cluster.local:50051"]) {
    assert.equal(addressProblem(ok), undefined, ok);
  }
  assert.match(addressProblem("unix:/tmp/worker.sock") ?? "", /without a scheme/);
  assert.match(addressProblem("ipv4:127.0.0.1:5") ?? "", /without a scheme/);
  assert.match(addressProblem("::1:5") ?? "", /IPv6 address in brackets/);
  assert.match(addressProblem(`${"h".repeat(1_000)}:/x`) ?? "", /^Invalid worker address "h{80}…"/);
});
