import assert from "node:assert/strict";
import { Metadata, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { sha256Hex } from "../core/mod.ts";
import { isAuthorized, presentedToken, requireToken, type TokenRefusal } from "./auth.ts";
import { fakeHandler } from "./_testing.ts";
import { startWorkerServiceServer } from "./worker_service_server.ts";
import { WorkerServiceConnection } from "./worker_service_client.ts";
import { startLifecycleServer } from "./lifecycle_server.ts";
import { LifecycleConnection } from "./lifecycle_client.ts";
import type { LifecycleRegisterRequest, LifecycleRegistry } from "./lifecycle_types.ts";

function metadata(entries: Record<string, string>): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries(entries)) md.set(k, v);
  return md;
}

Deno.test("the token is read from a Bearer authorization header or x-worker-token", () => {
  assert.equal(presentedToken(metadata({ authorization: "Bearer abc" })), "abc");
  assert.equal(presentedToken(metadata({ "x-worker-token": "xyz" })), "xyz");
  assert.equal(presentedToken(metadata({ authorization: "Basic abc" })), undefined);
  assert.equal(presentedToken(new Metadata()), undefined);
});

Deno.test("isAuthorized admits only the exact token, and everyone when none is configured", () => {
  assert.ok(isAuthorized(metadata({ authorization: "Bearer s3cret" }), "s3cret"));
  assert.ok(!isAuthorized(metadata({ authorization: "Bearer s3cre" }), "s3cret"));
  assert.ok(!isAuthorized(metadata({ "x-worker-token": "s3cret!" }), "s3cret"));
  assert.ok(!isAuthorized(new Metadata(), "s3cret"));
  assert.ok(isAuthorized(new Metadata(), undefined));
});

Deno.test("requireToken() says whether a refused call carried no token or another one, and tells the server", () => {
  const definition = {
    ping: { path: "/test.Svc/Ping", responseStream: false },
  } as unknown as ServiceDefinition;
  let ran = 0;
  const impl = {
    ping: (_call: unknown, cb: (err: unknown, value?: unknown) => void) => {
      ran++;
      cb(null, "pong");
    },
  } as unknown as UntypedServiceImplementation;
  const refused: TokenRefusal[] = [];
  const wrapped = requireToken(definition, impl, {
    token: "s3cret",
    onRefused: (r) => refused.push(r),
  }) as unknown as {
    ping: (call: unknown, cb: (err: { details?: string } | null) => void) => void;
  };
  const details: (string | undefined)[] = [];
  for (const md of [new Metadata(), metadata({ authorization: "Bearer nope" })]) {
    wrapped.ping(
      { metadata: md, getPeer: () => "10.1.2.3:4567" },
      (err) => details.push(err?.details),
    );
  }
  assert.equal(ran, 0);
  assert.deepEqual(details, [
    "UNAUTHENTICATED: Bad worker token: the call carried no worker token; " +
    "WORKER_TOKEN must be the same on the coordinator and every worker",
    "UNAUTHENTICATED: Bad worker token: the worker token the call carried does not match; " +
    "WORKER_TOKEN must be the same on the coordinator and every worker",
  ]);
  assert.deepEqual(refused.map((r) => [r.method, r.peer]), [
    ["/test.Svc/Ping", "10.1.2.3:4567"],
    ["/test.Svc/Ping", "10.1.2.3:4567"],
  ]);
  assert.ok(!JSON.stringify(refused).includes("nope"), "the presented token is never passed on");
});

Deno.test("requireToken() names the peer of every admitted call, with or without a token set, and of no refused one", () => {
  const definition = {
    ping: { path: "/test.Svc/Ping", responseStream: false },
  } as unknown as ServiceDefinition;
  const impl = {
    ping: (_call: unknown, cb: (err: unknown, value?: unknown) => void) => cb(null, "pong"),
  } as unknown as UntypedServiceImplementation;
  type Wrapped = { ping: (call: unknown, cb: (err: unknown) => void) => void };
  const admitted: string[] = [];
  const onAdmitted = (peer: string) => admitted.push(peer);
  const guarded = requireToken(definition, impl, {
    token: "s3cret",
    onAdmitted,
  }) as unknown as Wrapped;
  const open = requireToken(definition, impl, { onAdmitted }) as unknown as Wrapped;
  const call = (md: Metadata, peer: string) => ({ metadata: md, getPeer: () => peer });
  guarded.ping(call(metadata({ authorization: "Bearer nope" }), "10.0.0.1:1"), () => {});
  guarded.ping(call(metadata({ authorization: "Bearer s3cret" }), "10.0.0.2:2"), () => {});
  open.ping(call(new Metadata(), "10.0.0.3:3"), () => {});
  assert.deepEqual(admitted, ["10.0.0.2:2", "10.0.0.3:3"]);
  assert.equal(requireToken(definition, impl, {}), impl, "nothing to do: not wrapped");
});

const TASK = { tool: "workspace.stats", args: {} } as const;

Deno.test("WorkerService rejects calls with a wrong or missing token as UNAUTHENTICATED", async () => {
  let ran = 0;
  const handler = fakeHandler({
    executeTask: () => {
      ran++;
      return Promise.resolve({ ok: true, result: { workspace_bytes: 0, file_count: 0 } });
    },
  });
  const server = await startWorkerServiceServer(handler, { token: "right" });
  const address = `127.0.0.1:${server.port}`;
  // with tasks on the shared RunTasks stream and as one ExecuteTask call each
  const conns = [true, false].flatMap((taskStream) =>
    ["wrong", undefined, "right"].map((token) =>
      new WorkerServiceConnection(address, { token, taskStream })
    )
  );
  try {
    for (let i = 0; i < conns.length; i += 3) {
      const [wrong, missing, right] = conns.slice(i, i + 3) as WorkerServiceConnection[];
      for (const conn of [wrong!, missing!]) {
        const outcome = await conn.executeTask("s1", TASK);
        assert.deepEqual(outcome.ok ? "ok" : outcome.error.code, "UNAUTHENTICATED");
        await assert.rejects(conn.createSession("s1"), { code: "UNAUTHENTICATED" });
      }
      assert.equal(ran, i / 3);
      assert.equal((await right!.executeTask("s1", TASK)).ok, true);
      assert.equal(ran, i / 3 + 1);
    }
  } finally {
    for (const c of conns) c.close();
    await server.close();
  }
});

function recordingRegistry(): LifecycleRegistry & { seen: LifecycleRegisterRequest[] } {
  const seen: LifecycleRegisterRequest[] = [];
  return {
    seen,
    register(req) {
      seen.push(req);
      return { accepted: true, registrationId: "r1", heartbeatIntervalSec: 7 };
    },
    heartbeat: () => ({ continueServing: true, commands: [] }),
    deregister: () => {},
  };
}

const REGISTRATION = {
  workerId: "w1",
  address: "127.0.0.1:9",
  capabilities: { tools: ["fs.read"], languages: ["python"], maxSessions: 4 },
  version: "0.1.0",
};

Deno.test("registration with a wrong or missing token is refused and never reaches the registry", async () => {
  const registry = recordingRegistry();
  const server = await startLifecycleServer({ token: "right", registry });
  const address = `127.0.0.1:${server.port}`;
  try {
    for (const token of ["wrong", undefined]) {
      const conn = new LifecycleConnection(address, { token });
      try {
        await assert.rejects(conn.register(REGISTRATION), { code: "UNAUTHENTICATED" });
      } finally {
        conn.close();
      }
    }
    assert.equal(registry.seen.length, 0);
    const conn = new LifecycleConnection(address, { token: "right" });
    try {
      const res = await conn.register(REGISTRATION);
      assert.deepEqual(res, { accepted: true, registrationId: "r1", heartbeatIntervalSec: 7 });
    } finally {
      conn.close();
    }
    assert.deepEqual(registry.seen, [{
      ...REGISTRATION,
      tokenFingerprint: await sha256Hex("right"),
    }]);
  } finally {
    await server.close();
  }
});
