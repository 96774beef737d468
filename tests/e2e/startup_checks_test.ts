/**
 * Faults `serve` and `worker` find while starting: a workspace root the worker cannot use,
 * TLS files whose contents are wrong, a host written with IPv6 brackets; and grpc-js's own
 * log lines, which must reach stderr as JSON like every other line.
 * @module
 */
import assert from "node:assert/strict";
import { hasOpenssl, makeTestCerts } from "../../src/rpc/_testing.ts";
import { freePort } from "../support/free_port.ts";
import { startHttpCoordinator } from "../support/http_coordinator.ts";
import { assertConfigError, runToExit, SERVE_HTTP } from "../support/run_main.ts";
import { startWorkerProcess } from "../support/worker_process.ts";

const WORKER_FLAGS = ["-P=worker", "--ignore-env"];

/** `worker` against a coordinator nobody runs, with `args` added. */
function worker(args: string[]): string[] {
  return ["worker", "--coordinator", `127.0.0.1:${freePort()}`, "--listen", "127.0.0.1:0", ...args];
}

Deno.test("worker: a workspace root that is a file or under /proc prints one line naming --workspace-root and exits 2", async () => {
  const [file, proc] = await Promise.all([
    runToExit(worker(["--workspace-root", "/etc/passwd"]), {}, WORKER_FLAGS),
    runToExit(worker(["--workspace-root", "/proc/self/fd"]), {}, WORKER_FLAGS),
  ]);
  assertConfigError(
    file,
    /^codegen-mcp: Cannot use --workspace-root \(WORKSPACE_ROOT\) "\/etc\/passwd": /,
  );
  assertConfigError(
    proc,
    /^codegen-mcp: Cannot use --workspace-root \(WORKSPACE_ROOT\) "\/proc\/self\/fd": /,
  );
  // it stopped before it listened or registered
  for (const r of [file, proc]) assert.doesNotMatch(r.stderr, /listening on|Registered as/);
});

Deno.test({
  name:
    "serve and worker: TLS files with the wrong contents print one line naming the flag and exit 2 (skipped without openssl)",
  ignore: !hasOpenssl(),
  async fn() {
    const c = await makeTestCerts();
    try {
      const garbage = `${c.dir}/garbage.pem`;
      await Deno.writeTextFile(
        garbage,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      );
      const cases: [string[], RegExp][] = [
        [
          ["--tls-cert", garbage, "--tls-key", c.peerKey],
          /--tls-cert ".*garbage\.pem": not a PEM certificate/,
        ],
        [
          ["--tls-cert", c.peerCert, "--tls-key", garbage],
          /--tls-key ".*garbage\.pem": not a PEM private key/,
        ],
        [
          ["--tls-cert", c.peerCert, "--tls-key", c.clientKey],
          /--tls-key ".*client\.key": the key does not belong to the certificate/,
        ],
        [
          ["--tls-cert", c.peerKey, "--tls-key", c.peerCert],
          /--tls-cert ".*peer\.key": not a PEM certificate/,
        ],
        [
          ["--tls-cert", c.peerCert, "--tls-key", c.peerKey, "--tls-ca", garbage],
          /--tls-ca ".*garbage\.pem": not a PEM certificate/,
        ],
      ];
      const runs = await Promise.all(cases.flatMap(([tls]) => [
        runToExit([...SERVE_HTTP, ...tls]),
        runToExit(worker(tls), {}, WORKER_FLAGS),
      ]));
      cases.forEach(([, pattern], i) => {
        assertConfigError(runs[2 * i]!, pattern);
        assertConfigError(runs[2 * i + 1]!, pattern);
      });
      // a CA alone is checked too: a worker may trust the coordinator without a certificate
      assertConfigError(
        await runToExit(worker(["--tls-ca", c.peerKey]), {}, WORKER_FLAGS),
        /--tls-ca ".*peer\.key": not a PEM certificate/,
      );
    } finally {
      await Deno.remove(c.dir, { recursive: true });
    }
  },
});

Deno.test("serve: HTTP_HOST written with IPv6 brackets serves HTTP and the worker lifecycle, and a worker registers there", async () => {
  await using coordinator = await startHttpCoordinator({
    env: { HTTP_HOST: "[::1]" },
    args: ["--local-workers", "0"],
  });
  assert.ok(coordinator.grpcPort > 0, coordinator.log());
  await using w = await startWorkerProcess({
    id: "w-v6",
    coordinator: `[::1]:${coordinator.grpcPort}`,
    workspaceRoot: `${coordinator.dir}/w`,
  });
  assert.match(w.log(), /Registered as/);
});

Deno.test("worker: grpc-js's own lines (a proxy it cannot reach) reach stderr as JSON log lines", async () => {
  const home = await Deno.makeTempDir({ prefix: "codegen-grpc-log-" });
  const w = await startWorkerProcess({
    id: "w-proxy",
    coordinator: `127.0.0.1:${freePort()}`,
    workspaceRoot: `${home}/ws`,
    // nothing listens there: grpc-js logs its failure to connect to the proxy
    env: { http_proxy: `http://127.0.0.1:${freePort()}` },
    waitForRegistration: false,
  });
  try {
    let seen = false;
    for (let i = 0; i < 300 && !seen; i++) {
      seen = /Failed to connect to proxy[^\n]*\n/.test(w.log());
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(seen, w.log());
  } finally {
    await w.stop("SIGTERM");
    await Deno.remove(home, { recursive: true });
  }
  for (const line of w.log().trim().split("\n")) {
    assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line.slice(0, 200)}`);
  }
  assert.match(w.log(), /"logger":"codegen\.rpc\.grpc"[^\n]*Failed to connect to proxy/);
});
