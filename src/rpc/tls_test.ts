import assert from "node:assert/strict";
import { FAKE_LIMITS, fakeHandler, hasOpenssl, makeTestCerts, type TestCerts } from "./_testing.ts";
import { startWorkerServiceServer } from "./worker_service_server.ts";
import { WorkerServiceConnection } from "./worker_service_client.ts";
import { checkTlsPem, readTlsFiles, type TlsFiles } from "./tls.ts";

const HAS_OPENSSL = hasOpenssl();
if (!HAS_OPENSSL && Deno.env.get("CI") === "true") {
  throw new Error("openssl is required in CI for the TLS tests");
}

async function withServer(
  tls: (c: TestCerts) => TlsFiles,
  fn: (address: string, certs: TestCerts) => Promise<void>,
): Promise<void> {
  const certs = await makeTestCerts();
  const server = await startWorkerServiceServer(fakeHandler(), {
    token: "t",
    tls: readTlsFiles(tls(certs)),
  });
  try {
    await fn(`127.0.0.1:${server.port}`, certs);
  } finally {
    await server.close();
    await Deno.remove(certs.dir, { recursive: true });
  }
}

async function limitsVia(address: string, tls: TlsFiles | undefined) {
  const conn = new WorkerServiceConnection(address, {
    token: "t",
    tls: tls && readTlsFiles(tls),
    callTimeoutMs: 5_000,
  });
  try {
    return await conn.getLimits();
  } finally {
    conn.close();
  }
}

/** A task's outcome code over the RunTasks stream and over an ExecuteTask call. */
async function taskCodesVia(address: string, tls: TlsFiles | undefined): Promise<string[]> {
  const codes = [];
  for (const taskStream of [true, false]) {
    const conn = new WorkerServiceConnection(address, {
      token: "t",
      tls: tls && readTlsFiles(tls),
      taskStream,
    });
    try {
      const outcome = await conn.executeTask("s1", { tool: "workspace.stats", args: {} });
      codes.push(outcome.ok ? "ok" : outcome.error.code);
    } finally {
      conn.close();
    }
  }
  return codes;
}

const serverOnly = (c: TestCerts) => ({ cert: c.serverCert, key: c.serverKey });
const mutual = (c: TestCerts) => ({ cert: c.serverCert, key: c.serverKey, ca: c.ca });

Deno.test({
  name: "a TLS server answers a client that trusts its CA (skipped without openssl)",
  ignore: !HAS_OPENSSL,
  fn: () =>
    withServer(serverOnly, async (address, c) => {
      assert.deepEqual(await limitsVia(address, { ca: c.ca }), FAKE_LIMITS);
    }),
});

Deno.test({
  name: "a TLS server refuses a plaintext client (skipped without openssl)",
  ignore: !HAS_OPENSSL,
  fn: () =>
    withServer(serverOnly, async (address) => {
      await assert.rejects(limitsVia(address, undefined), { code: "WORKER_UNAVAILABLE" });
    }),
});

Deno.test({
  name: "mutual TLS admits a client with a v3 certificate from the CA (skipped without openssl)",
  ignore: !HAS_OPENSSL,
  fn: () =>
    withServer(mutual, async (address, c) => {
      const tls = { ca: c.ca, cert: c.clientCert, key: c.clientKey };
      assert.deepEqual(await limitsVia(address, tls), FAKE_LIMITS);
      assert.deepEqual(await taskCodesVia(address, tls), ["ok", "ok"]);
    }),
});

Deno.test({
  name: "mutual TLS refuses a client without a certificate (skipped without openssl)",
  ignore: !HAS_OPENSSL,
  fn: () =>
    withServer(mutual, async (address, c) => {
      await assert.rejects(limitsVia(address, { ca: c.ca }), { code: "WORKER_UNAVAILABLE" });
      const codes = await taskCodesVia(address, { ca: c.ca });
      assert.deepEqual(codes, ["WORKER_UNAVAILABLE", "WORKER_UNAVAILABLE"]);
    }),
});

Deno.test("readTlsFiles() reports a missing file as CONFIG_INVALID naming the file", () => {
  assert.throws(
    () => readTlsFiles({ cert: "/nonexistent/c.pem", key: "/x" }),
    (err: Error & { code?: string }) =>
      err.code === "CONFIG_INVALID" && err.message.includes("/nonexistent/c.pem"),
  );
});

Deno.test({
  name:
    "TLS servers and channels use the PEM bytes read at start-up, not the files (skipped without openssl)",
  ignore: !HAS_OPENSSL,
  async fn() {
    const certs = await makeTestCerts();
    const server = readTlsFiles(mutual(certs));
    const client = readTlsFiles({ ca: certs.ca, cert: certs.clientCert, key: certs.clientKey });
    // what was checked is what is used: the files changing (here, vanishing) later is moot
    await Deno.remove(certs.dir, { recursive: true });
    const handle = await startWorkerServiceServer(fakeHandler(), { token: "t", tls: server });
    const conn = new WorkerServiceConnection(`127.0.0.1:${handle.port}`, {
      token: "t",
      tls: client,
      callTimeoutMs: 5_000,
    });
    try {
      assert.deepEqual(await conn.getLimits(), FAKE_LIMITS);
    } finally {
      conn.close();
      await handle.close();
    }
  },
});

Deno.test({
  name:
    "a TLS client refuses a server whose certificate does not name the dialled IP (skipped without openssl)",
  ignore: !HAS_OPENSSL,
  async fn() {
    const certs = await makeTestCerts();
    // 127.0.0.2 is loopback too, but the certificate names only 127.0.0.1 and localhost.
    const server = await startWorkerServiceServer(fakeHandler(), {
      host: "127.0.0.2",
      tls: readTlsFiles(serverOnly(certs)),
    });
    try {
      await assert.rejects(limitsVia(`127.0.0.2:${server.port}`, { ca: certs.ca }), {
        code: "WORKER_UNAVAILABLE",
        message: /127\.0\.0\.2/,
      });
    } finally {
      await server.close();
      await Deno.remove(certs.dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "checkTlsPem() names the part at fault: garbage, a key of another certificate, swapped files, a garbage CA (skipped without openssl)",
  ignore: !HAS_OPENSSL,
  async fn() {
    const certs = await makeTestCerts();
    try {
      const pem = readTlsFiles({ cert: certs.peerCert, key: certs.peerKey, ca: certs.ca });
      const garbage = new TextEncoder().encode(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      );
      const otherKey = readTlsFiles({ key: certs.clientKey }).key;
      const part = (p: typeof pem) => {
        const check = checkTlsPem(p);
        return check.ok ? "ok" : `${check.part}: ${check.reason.replace(/:.*$/, "")}`;
      };
      assert.equal(part(pem), "ok");
      // a bundle of several certificates is read whole
      assert.equal(part({ ...pem, ca: new Uint8Array([...pem.ca!, ...pem.cert!]) }), "ok");
      assert.equal(part({ ...pem, cert: garbage }), "cert: not a PEM certificate");
      assert.equal(part({ ...pem, key: garbage }), "key: not a PEM private key");
      assert.equal(
        part({ ...pem, key: otherKey }),
        "key: the key does not belong to the certificate",
      );
      assert.equal(part({ ...pem, cert: pem.key, key: pem.cert }), "cert: not a PEM certificate");
      assert.equal(part({ ...pem, ca: garbage }), "ca: not a PEM certificate");
      assert.equal(part({ ca: pem.key }), "ca: not a PEM certificate");
    } finally {
      await Deno.remove(certs.dir, { recursive: true });
    }
  },
});
