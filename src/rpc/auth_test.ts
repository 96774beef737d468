import assert from "node:assert/strict";
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  status,
} from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
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

// A service whose requests are counted as they are decoded: what a refused call costs.
function countingService() {
  const decoded = { count: 0 };
  const definition: ServiceDefinition = {
    Echo: {
      path: "/test.Svc/Echo",
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: Uint8Array) => Buffer.from(v),
      requestDeserialize: (b: Buffer) => {
        decoded.count++;
        return b;
      },
      responseSerialize: (v: Uint8Array) => Buffer.from(v),
      responseDeserialize: (b: Buffer) => b,
      originalName: "echo",
    },
  };
  return { definition, decoded };
}

Deno.test("requireToken() refuses on the metadata, before the message is read, and says why", async () => {
  const { definition, decoded } = countingService();
  const refused: TokenRefusal[] = [];
  const admitted: string[] = [];
  const server = new Server({
    interceptors: [requireToken({
      token: "s3cret",
      onRefused: (r) => refused.push(r),
      onAdmitted: (peer) => admitted.push(peer),
    })],
  });
  server.addService(definition, {
    Echo: (call: { request: Uint8Array }, cb: (e: null, v: Uint8Array) => void) =>
      cb(null, call.request),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      ServerCredentials.createInsecure(),
      (e, p) => e ? reject(e) : resolve(p),
    )
  );
  const Client = makeGenericClientConstructor(definition, "Svc");
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as {
    echo(
      req: Uint8Array,
      md: Metadata,
      cb: (e: { code: number; details: string } | null) => void,
    ): void;
    close(): void;
  };
  const call = (md: Metadata) =>
    new Promise<{ code: number; details: string } | null>((resolve) =>
      client.echo(new Uint8Array(1024 * 1024), md, (e) => resolve(e))
    );
  try {
    const none = await call(new Metadata());
    const wrong = await call(metadata({ authorization: "Bearer nope" }));
    assert.equal(decoded.count, 0, "no refused call's message was decoded");
    assert.deepEqual([none?.code, wrong?.code], [status.UNAUTHENTICATED, status.UNAUTHENTICATED]);
    assert.equal(
      none?.details,
      "UNAUTHENTICATED: Bad worker token: the call carried no worker token; " +
        "WORKER_TOKEN must be the same on the coordinator and every worker",
    );
    assert.match(wrong?.details ?? "", /the worker token the call carried does not match/);
    assert.equal(await call(metadata({ authorization: "Bearer s3cret" })), null);
    assert.equal(decoded.count, 1);
    assert.deepEqual(refused.map((r) => r.method), ["/test.Svc/Echo", "/test.Svc/Echo"]);
    assert.match(refused[0]!.peer, /^127\.0\.0\.1:\d+$/);
    assert.equal(admitted.length, 1);
    assert.equal(admitted[0], refused[0]!.peer, "the same connection");
    assert.ok(!JSON.stringify(refused).includes("nope"), "the presented token is never passed on");
  } finally {
    client.close();
    server.forceShutdown();
  }
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
