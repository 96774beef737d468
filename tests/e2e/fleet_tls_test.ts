// A fleet under mutual TLS, with real processes: each side reads its certificate files once,
// at start-up, and keeps using those bytes.
import assert from "node:assert/strict";
import { hasOpenssl, makeTestCerts } from "../../src/rpc/_testing.ts";
import { connectMcp, startHttpCoordinator } from "../support/http_coordinator.ts";
import type { CallToolResult } from "../support/sdk_client.ts";
import { startWorkerProcess } from "../support/worker_process.ts";

const TOKEN = "tls-test-token";

Deno.test({
  name:
    "fleet: under mutual TLS, the coordinator dials a worker with the certificates it read at start-up, though the files are gone (skipped without openssl)",
  ignore: !hasOpenssl(),
  async fn() {
    const certs = await makeTestCerts();
    try {
      const tls = ["--tls-cert", certs.peerCert, "--tls-key", certs.peerKey, "--tls-ca", certs.ca];
      await using coordinator = await startHttpCoordinator({
        args: ["--local-workers", "0", ...tls],
        env: { WORKER_TOKEN: TOKEN },
      });
      // the worker keeps its own copies; the coordinator's vanish once it is up
      const own = `${coordinator.dir}/worker-certs`;
      await Deno.mkdir(own);
      for (const name of ["ca.pem", "peer.pem", "peer.key"]) {
        await Deno.copyFile(`${certs.dir}/${name}`, `${own}/${name}`);
      }
      await Deno.remove(certs.dir, { recursive: true });
      await using worker = await startWorkerProcess({
        id: "w-tls",
        coordinator: `127.0.0.1:${coordinator.grpcPort}`,
        workspaceRoot: `${coordinator.dir}/disk`,
        env: { WORKER_TOKEN: TOKEN },
        args: [
          "--tls-cert",
          `${own}/peer.pem`,
          "--tls-key",
          `${own}/peer.key`,
          "--tls-ca",
          `${own}/ca.pem`,
        ],
      });
      const client = await connectMcp(coordinator.url, "tls");
      try {
        const wrote = await client.callTool({
          name: "fs.write",
          arguments: { path: "a.txt", contents: "over TLS" },
        }) as CallToolResult;
        const text = wrote.content.map((c) => c.type === "text" ? c.text : "").join("\n");
        assert.equal(wrote.isError, undefined, `${text}\n${coordinator.log()}`);
        const info = await client.callTool({ name: "session.info", arguments: {} });
        assert.equal((info.structuredContent as { worker_id?: string }).worker_id, "w-tls");
      } finally {
        await client.close();
      }
      assert.doesNotMatch(coordinator.log(), /Cannot read TLS/);
      assert.match(worker.log(), /Registered as/);
    } finally {
      await Deno.remove(certs.dir, { recursive: true }).catch(() => {});
    }
  },
});
