/**
 * Configuration faults found on the command line, in the environment, or only while
 * starting (a taken port, an unusable path) end the same way: one line naming the flag or
 * variable, exit code 2, no stack trace.
 * @module
 */
import assert from "node:assert/strict";
import { assertConfigError, runMain, runToExit, SERVE_HTTP } from "../support/run_main.ts";

const HTTP = SERVE_HTTP;
const run = runToExit;

Deno.test("serve: a port already in use prints one line naming --port, --admin-port or --grpc-port and exits 2", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = String((taken.addr as Deno.NetAddr).port);
  const http = ["serve", "--transport", "http", "--grpc-port", "0"];
  assertConfigError(await run([...http, "--port", port]), /--port .*already in use/i);
  assertConfigError(
    await run([...http, "--port", "0", "--admin-port", port]),
    /--admin-port .*already in use/i,
  );
  assertConfigError(await run(["serve", "--grpc-port", port]), /--grpc-port .*already in use/i);
});

Deno.test("serve: a host that cannot be bound prints one line naming --host and exits 2", async () => {
  assertConfigError(await run([...HTTP, "--host", "bad host"]), /"bad host:0" \(check --host/);
  // outside the coordinator's net permissions (NotCapable)
  assertConfigError(await run([...HTTP, "--host", "10.1.2.3"]), /--host .*permissions/);
  assertConfigError(
    await run(["serve", "--admin-port", "0", "--host", "10.1.2.3"]),
    /--host .*permissions/,
  );
});

Deno.test("serve: unusable TLS files, audit log or workspace root print one line naming the flag and exit 2", async () => {
  assertConfigError(
    await run([...HTTP, "--tls-cert", "/nonexist.pem", "--tls-key", "/nonexist.key"]),
    /--tls-cert "\/nonexist\.pem"/,
  );
  assertConfigError(
    await run(["serve", "--audit-log", "/proc/nope/a.jsonl"]),
    /--audit-log .*"\/proc\/nope\/a\.jsonl"/,
  );
  assertConfigError(
    await run(["serve", "--workspace-root", "/proc/nope"]),
    /--workspace-root .*"\/proc\/nope"/,
  );
});

Deno.test("serve: an audit log that is a directory, damaged at the end or held by another writer prints one line naming --audit-log and exits 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-startup-audit-" });
  try {
    await Deno.mkdir(`${dir}/is-a-dir`);
    assertConfigError(
      await run(["serve"], { AUDIT_LOG: `${dir}/is-a-dir` }),
      /--audit-log \(AUDIT_LOG\) ".*is-a-dir": .*it is a directory/,
    );
    // a directory right under the root: its parent, "/", is never granted
    assertConfigError(
      await run(["serve"], { AUDIT_LOG: "/tmp" }),
      /--audit-log \(AUDIT_LOG\) "\/tmp": .*it is a directory; name a file/,
    );
    await Deno.writeTextFile(`${dir}/damaged.jsonl`, '{"seq":1}\n');
    assertConfigError(
      await run(["serve"], { AUDIT_LOG: `${dir}/damaged.jsonl` }),
      /--audit-log \(AUDIT_LOG\) ".*damaged\.jsonl": .*last record is damaged/,
    );
    using held = await Deno.open(`${dir}/held.jsonl`, { write: true, create: true });
    await held.lock(true);
    assertConfigError(
      await run(["serve"], { AUDIT_LOG: `${dir}/held.jsonl` }),
      /--audit-log \(AUDIT_LOG\) ".*held\.jsonl": .*another writer holds it/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("worker: --tls-cert without --tls-key prints one line and exits 2", async () => {
  assertConfigError(
    await run(["worker", "--coordinator", "127.0.0.1:1", "--tls-cert", "x"]),
    /--tls-cert needs its pair/,
  );
});

Deno.test("settings that could never work are refused at load with one line and exit 2", async () => {
  assertConfigError(await run([], { RUN_TIMEOUT_DEFAULT: "25d" }), /RUN_TIMEOUT_DEFAULT "25d"/);
  assertConfigError(await run([], { CLEANUP_INTERVAL: "30d" }), /CLEANUP_INTERVAL "30d"/);
  assertConfigError(await run([], { RUN_TIMEOUT_MAX: "5s" }), /invalid RUN_TIMEOUT_MAX "5s"/);
  assertConfigError(
    await run([], { MCP_ALLOWED_HOSTS: "https://mcp.example.com" }),
    /MCP_ALLOWED_HOSTS/,
  );
  assertConfigError(await run(["--allowed-host", "*.corp.example"]), /--allowed-host/);
  const token = await run([], { MCP_AUTH_TOKEN: "s3cret\n" });
  assertConfigError(token, /MCP_AUTH_TOKEN/);
  assert.ok(!token.stderr.includes("s3cret"), "the token is never printed");
  // an empty secret (an unset one interpolated) is refused, not taken as "no token"
  assertConfigError(
    await run(HTTP, { MCP_AUTH_TOKEN: "" }),
    /invalid MCP_AUTH_TOKEN: expected a value: it is set but empty/,
  );
  assertConfigError(
    await run(["worker", "--coordinator", "127.0.0.1:1"], { WORKER_TOKEN: "" }),
    /invalid WORKER_TOKEN: expected a value: it is set but empty/,
  );
  // other variables set empty still mean unset: the one fault reported is the flag's
  assertConfigError(
    await run(["--transport", "carrier-pigeon"], { LOG_LEVEL: "", SESSION_MAX_AGE: "" }),
    /--transport/,
  );
  assertConfigError(await run(["--local-workers", "0"]), /--local-workers 0 needs --grpc-port/);
  assertConfigError(await run(["--host", ""]), /invalid --host ""/);
  assertConfigError(
    await run(["worker", "--coordinator", "127.0.0.1:1", "--worker-id", ""]),
    /invalid --worker-id ""/,
  );
});

Deno.test("serve with a gRPC port and no WORKER_TOKEN warns about it once", async () => {
  // stdio with stdin at end of file: starts, opens the lifecycle port, and stops at once
  const r = await run(["serve", "--grpc-port", "0"]);
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stderr.split("\n").filter((l) => l.includes("WORKER_TOKEN"));
  assert.equal(warnings.length, 1, r.stderr);
});

Deno.test("--help lists permissions --set, health --timeout, --insecure-no-sandbox and the TLS flags", async () => {
  const out = await runMain(["--help"]);
  const help = out.stdout;
  assert.equal(out.code, 0);
  for (
    const text of [
      "permissions [--json] [--set NAME]",
      "--timeout MS",
      "--insecure-no-sandbox",
      "--tls-cert FILE",
      "--tls-key FILE",
      "--tls-ca FILE",
    ]
  ) {
    assert.ok(help.includes(text), `--help mentions ${text}`);
  }
});

Deno.test("worker: a taken or foreign --listen, a taken --admin-port, a missing TLS file: one line, exit 2", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = String((taken.addr as Deno.NetAddr).port);
  const worker = ["worker", "--coordinator", "127.0.0.1:1"];
  assertConfigError(
    await run([...worker, "--listen", `127.0.0.1:${port}`]),
    /--listen \(WORKER_LISTEN\).*already in use/i,
  );
  // outside the binary's net grant: a NotCapable deep in gRPC before this check
  assertConfigError(
    await run([...worker, "--listen", "10.1.2.3:0"], { WORKER_TOKEN: "t0k3n" }),
    /Cannot listen on "10\.1\.2\.3:0" \(check --listen \(WORKER_LISTEN\)\)/,
  );
  assertConfigError(
    await run([...worker, "--listen", "127.0.0.1:0", "--admin-port", port]),
    /--admin-port \(ADMIN_PORT\).*already in use/i,
  );
  assertConfigError(
    await run([...worker, "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"]),
    /--tls-cert "\/nonexistent\.pem"/,
  );
});

Deno.test("serve: a Redis client that cannot load (no --ignore-env) is one line and exit 2, at start-up", async () => {
  // as a binary compiled without --ignore-env would run: ioredis reads unlisted variables
  const env = { REDIS_URL: "redis://127.0.0.1:1", DEBUG: "x" };
  assertConfigError(
    await run(HTTP, env, ["-P=coordinator"]),
    /Cannot load the Redis client for --redis-url \(REDIS_URL\).*--ignore-env/,
  );
});
