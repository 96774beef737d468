import assert from "node:assert/strict";
import net from "node:net";
import { settlesWithin } from "../core/mod.ts";
import { FAKE_LIMITS, fakeHandler, hasOpenssl, makeTestCerts } from "./_testing.ts";
import type { GrpcServerHandle } from "./server.ts";
import { readTlsFiles, type TlsPem } from "./tls.ts";
import { startWorkerServiceServer } from "./worker_service_server.ts";
import { type WorkerConnectionSettings, WorkerServiceConnection } from "./worker_service_client.ts";

const HAS_OPENSSL = hasOpenssl();
// Skipped locally without openssl; under CI=true it runs and fails instead.
const IN_CI = Deno.env.get("CI") === "true";
const PROVE_MS = 300;

function serve(
  connections: {
    maxConnections?: number;
    maxUnproven?: number;
    maxUnprovenPerHost?: number;
    maxRefusedCalls?: number;
  },
  tls?: TlsPem,
): Promise<GrpcServerHandle> {
  return startWorkerServiceServer(fakeHandler(), {
    token: "t",
    tls,
    connections: { proveWithinMs: PROVE_MS, ...connections },
  });
}

interface Idle {
  socket: net.Socket;
  /** Settles when the server closes the connection. */
  closed: Promise<void>;
}

/** A bare TCP connection from `from` (a loopback address) that sends nothing. */
async function idle(port: number, from = "127.0.0.1"): Promise<Idle> {
  const socket = net.connect({ port, host: "127.0.0.1", localAddress: from });
  socket.on("error", () => {});
  socket.resume(); // a paused socket would not notice the server closing it
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("close", reject);
  });
  return { socket, closed };
}

/** Polls `server.connections` until `want` holds; false after 3 s. */
async function until(
  server: GrpcServerHandle,
  want: (c: { open: number; unproven: number }) => boolean,
) {
  for (let i = 0; i < 300; i++) {
    if (want(server.connections)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

function connect(server: GrpcServerHandle, settings: WorkerConnectionSettings) {
  return new WorkerServiceConnection(`127.0.0.1:${server.port}`, {
    callTimeoutMs: 5_000,
    ...settings,
  });
}

Deno.test("connections that make no call are closed after the deadline; the oldest makes room for a new one", async () => {
  const server = await serve({ maxUnproven: 3, maxUnprovenPerHost: 10 });
  const held: Idle[] = [];
  try {
    for (let i = 0; i < 3; i++) held.push(await idle(server.port));
    assert.ok(await until(server, (c) => c.unproven === 3));
    held.push(await idle(server.port));
    assert.equal(await settlesWithin(held[0]!.closed, 1_000), true, "the oldest is closed");
    assert.ok(await until(server, (c) => c.open === 3 && c.unproven === 3));
    // the rest are closed once their time to make a call is up
    const rest = Promise.all(held.slice(1).map((h) => h.closed));
    assert.equal(await settlesWithin(rest, PROVE_MS + 2_000), true);
    assert.ok(await until(server, (c) => c.open === 0 && c.unproven === 0));
  } finally {
    for (const h of held) h.socket.destroy();
    await server.close();
  }
});

Deno.test("one address may hold only maxUnprovenPerHost connections that made no call", async () => {
  const server = await serve({ maxUnprovenPerHost: 2 });
  const held: Idle[] = [];
  try {
    for (let i = 0; i < 3; i++) held.push(await idle(server.port, "127.0.0.2"));
    assert.equal(await settlesWithin(held[2]!.closed, 1_000), true, "the 3rd is closed at once");
    held.push(await idle(server.port, "127.0.0.1"));
    assert.ok(await until(server, (c) => c.open === 3 && c.unproven === 3));
  } finally {
    for (const h of held) h.socket.destroy();
    await server.close();
  }
});

Deno.test("a caller with the token keeps its connection past the deadline; one without loses it", async () => {
  const server = await serve({});
  const good = connect(server, { token: "t" });
  const bad = connect(server, { token: "wrong" });
  try {
    assert.deepEqual(await good.getLimits(), FAKE_LIMITS);
    await assert.rejects(bad.getLimits(), { code: "UNAUTHENTICATED" });
    assert.ok(await until(server, (c) => c.open === 1 && c.unproven === 0));
    await new Promise((resolve) => setTimeout(resolve, PROVE_MS));
    assert.deepEqual(server.connections, { open: 1, unproven: 0 });
    assert.deepEqual(await good.getLimits(), FAKE_LIMITS);
    assert.deepEqual(server.connections, { open: 1, unproven: 0 }, "the same connection");
  } finally {
    good.close();
    bad.close();
    await server.close();
  }
});

Deno.test("a connection whose calls keep being refused is closed at maxRefusedCalls", async () => {
  const server = await serve({ maxRefusedCalls: 3 });
  const bad = connect(server, { token: "wrong" });
  try {
    for (let i = 0; i < 2; i++) await assert.rejects(bad.getLimits(), { code: "UNAUTHENTICATED" });
    assert.deepEqual(server.connections, { open: 1, unproven: 1 }, "two refusals: kept");
    await assert.rejects(bad.getLimits(), { code: "UNAUTHENTICATED" });
    assert.ok(await until(server, (c) => c.open === 0), "the third closes it");
  } finally {
    bad.close();
    await server.close();
  }
});

Deno.test("past maxConnections a new connection is closed at once, even with room for unproven ones", async () => {
  const server = await serve({ maxConnections: 2, maxUnproven: 10 });
  const good = connect(server, { token: "t" });
  const held: Idle[] = [];
  try {
    assert.deepEqual(await good.getLimits(), FAKE_LIMITS);
    held.push(await idle(server.port), await idle(server.port));
    assert.equal(await settlesWithin(held[1]!.closed, 1_000), true);
    assert.deepEqual(server.connections, { open: 2, unproven: 1 });
    // the proven connection still serves
    assert.deepEqual(await good.getLimits(), FAKE_LIMITS);
  } finally {
    for (const h of held) h.socket.destroy();
    good.close();
    await server.close();
  }
});

/**
 * Opens `count` idle connections from `from` one after the other, then checks a caller with
 * the token still gets in; the most the server held open at once.
 */
async function flood(server: GrpcServerHandle, count: number, from?: string): Promise<number> {
  const held: Idle[] = [];
  let peak = 0;
  try {
    for (let i = 0; i < count; i++) {
      held.push(await idle(server.port, from));
      peak = Math.max(peak, server.connections.open);
    }
    const good = connect(server, { token: "t" });
    try {
      assert.deepEqual(await good.getLimits(), FAKE_LIMITS, "a caller still gets in");
    } finally {
      good.close();
    }
  } finally {
    for (const h of held) h.socket.destroy();
  }
  return peak;
}

Deno.test("under a flood of idle connections at most maxUnproven stay open, and a caller still gets in", async () => {
  const server = await serve({ maxUnproven: 16, maxUnprovenPerHost: 1_000 });
  try {
    const peak = await flood(server, 400);
    assert.ok(peak <= 16, `peak ${peak}`);
  } finally {
    await server.close();
  }
});

Deno.test("with the default limits, a flood from one address holds 8 connections open", async () => {
  const server = await serve({});
  try {
    assert.equal(await flood(server, 200, "127.0.0.2"), 8);
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "over TLS a caller with the token keeps its connection (skipped without openssl)",
  ignore: !HAS_OPENSSL && !IN_CI,
  async fn() {
    assert.ok(HAS_OPENSSL, "openssl is required under CI=true (apt-get install openssl)");
    const certs = await makeTestCerts();
    const server = await serve({}, readTlsFiles({ cert: certs.serverCert, key: certs.serverKey }));
    const good = connect(server, { token: "t", tls: readTlsFiles({ ca: certs.ca }) });
    try {
      assert.deepEqual(await good.getLimits(), FAKE_LIMITS);
      assert.deepEqual(server.connections, { open: 1, unproven: 0 });
      await new Promise((resolve) => setTimeout(resolve, PROVE_MS + 100));
      assert.deepEqual(server.connections, { open: 1, unproven: 0 });
    } finally {
      good.close();
      await server.close();
      await Deno.remove(certs.dir, { recursive: true });
    }
  },
});
