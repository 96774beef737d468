import assert from "node:assert/strict";
import type { Env } from "./env_vars.ts";
import { loadConfig, type LoadResult, loadWorkerConfig } from "./load.ts";

const ENV: Env = { HOME: "/home/u" };
const WORKER_ARGS = ["--coordinator", "127.0.0.1:50050"];

function failure(result: LoadResult<unknown>): string {
  assert.ok(!result.ok, "expected the configuration to be refused");
  assert.ok(!result.message.includes("\n"), "one line");
  return result.message;
}

Deno.test("loadConfig refuses durations a timer cannot wait, naming the variable", () => {
  assert.match(
    failure(loadConfig([], { ...ENV, RUN_TIMEOUT_DEFAULT: "25d", RUN_TIMEOUT_MAX: "26d" })),
    /^invalid RUN_TIMEOUT_DEFAULT "25d"/,
  );
  assert.match(
    failure(loadConfig([], { ...ENV, CLEANUP_INTERVAL: "30d" })),
    /CLEANUP_INTERVAL "30d"/,
  );
  assert.match(
    failure(loadConfig([], { ...ENV, WORKER_HEARTBEAT_TIMEOUT: "25d" })),
    /WORKER_HEARTBEAT_TIMEOUT "25d"/,
  );
  assert.match(
    failure(loadWorkerConfig(WORKER_ARGS, { ...ENV, RUN_TIMEOUT_MAX: "25d" })),
    /RUN_TIMEOUT_MAX/,
  );
  const ok = loadConfig([], { ...ENV, CLEANUP_INTERVAL: "24d" });
  assert.ok(ok.ok && ok.config.cleanupIntervalMs === 24 * 86_400_000);
});

Deno.test("loadConfig blames RUN_TIMEOUT_MAX when it was set below the default", () => {
  assert.equal(
    failure(loadConfig([], { ...ENV, RUN_TIMEOUT_MAX: "5s" })),
    'invalid RUN_TIMEOUT_MAX "5s": expected at least RUN_TIMEOUT_DEFAULT (30s)',
  );
  assert.match(
    failure(loadConfig([], { ...ENV, RUN_TIMEOUT_DEFAULT: "2m", RUN_TIMEOUT_MAX: "1m" })),
    /^invalid RUN_TIMEOUT_MAX "1m"/,
  );
  assert.equal(
    failure(loadConfig([], { ...ENV, RUN_TIMEOUT_DEFAULT: "11m" })),
    'invalid RUN_TIMEOUT_DEFAULT "11m": expected at most RUN_TIMEOUT_MAX (600s)',
  );
});

Deno.test("loadConfig refuses allow-list entries the HTTP guard could never match", () => {
  assert.match(
    failure(loadConfig([], { ...ENV, MCP_ALLOWED_HOSTS: "ok.example, https://mcp.example.com" })),
    /^invalid MCP_ALLOWED_HOSTS "https:\/\/mcp\.example\.com"/,
  );
  assert.match(
    failure(loadConfig(["--allowed-host", "*.corp.example"], ENV)),
    /^invalid --allowed-host "\*\.corp\.example"/,
  );
  const ok = loadConfig(["--allowed-host", "a.example:8443"], {
    ...ENV,
    MCP_ALLOWED_HOSTS: "b.example, ,[::1]",
  });
  assert.ok(ok.ok);
  assert.deepEqual(ok.config.allowedHosts, ["a.example:8443", "b.example", "[::1]"]);
});

Deno.test("loadConfig refuses an MCP_AUTH_TOKEN no bearer header can carry, without showing it", () => {
  for (const token of ["s3cret\n", "s3cret token", "\ts3cret"]) {
    const message = failure(loadConfig([], { ...ENV, MCP_AUTH_TOKEN: token }));
    assert.match(message, /^invalid MCP_AUTH_TOKEN: /);
    assert.ok(!message.includes("s3cret"), "the token is not printed");
  }
  const ok = loadConfig([], { ...ENV, MCP_AUTH_TOKEN: "abc.DEF-123_~+/=" });
  assert.ok(ok.ok && ok.config.mcpAuthToken === "abc.DEF-123_~+/=");
});

Deno.test("coordinator and worker refuse a WORKER_TOKEN no gRPC header can carry, without showing it", () => {
  // a token read from a file often ends in a newline: grpc-js would refuse every call and
  // quote the token in its error, which the worker logged at each registration attempt
  for (const token of ["s3cret\n", "s3cret token", "s3cr\u00e9t"]) {
    for (
      const loaded of [
        loadConfig([], { ...ENV, WORKER_TOKEN: token }),
        loadWorkerConfig(WORKER_ARGS, { ...ENV, WORKER_TOKEN: token }),
      ]
    ) {
      const message = failure(loaded);
      assert.match(message, /^invalid WORKER_TOKEN: /);
      assert.ok(!message.includes("s3cr"), "the token is not printed");
    }
  }
  const ok = loadWorkerConfig(WORKER_ARGS, { ...ENV, WORKER_TOKEN: "a1!~=/+_.-" });
  assert.ok(ok.ok && ok.config.workerToken === "a1!~=/+_.-");
});

Deno.test("loadConfig refuses zero local workers in stdio mode without a gRPC port", () => {
  assert.equal(
    failure(loadConfig(["--local-workers", "0"], ENV)),
    "--local-workers 0 needs --grpc-port (GRPC_PORT) in stdio mode: no remote worker could register",
  );
  assert.match(failure(loadConfig([], { ...ENV, LOCAL_WORKERS: "0" })), /^LOCAL_WORKERS 0 needs/);
  assert.ok(loadConfig(["--local-workers", "0", "--grpc-port", "0"], ENV).ok);
  assert.ok(loadConfig(["--local-workers", "0", "--transport", "http"], ENV).ok);
});

Deno.test("empty text settings name their flag, not the config field", () => {
  assert.equal(
    failure(loadConfig(["--host", ""], ENV)),
    'invalid --host "": expected a non-empty value',
  );
  assert.match(failure(loadConfig(["--workspace-root", ""], ENV)), /^invalid --workspace-root ""/);
  assert.equal(
    failure(loadWorkerConfig([...WORKER_ARGS, "--worker-id", ""], ENV)),
    'invalid --worker-id "": expected 1-128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit',
  );
});

Deno.test("the worker, like the coordinator, needs --tls-cert and --tls-key together", () => {
  const loads = [
    (args: string[]) => loadConfig(args, ENV),
    (args: string[]) => loadWorkerConfig([...WORKER_ARGS, ...args], ENV),
  ];
  for (const load of loads) {
    assert.match(failure(load(["--tls-cert", "x.pem"])), /^--tls-cert needs its pair/);
    assert.match(failure(load(["--tls-key", "x.key"])), /^--tls-key needs its pair/);
  }
  const ok = loadWorkerConfig([...WORKER_ARGS, "--tls-cert", "c.pem", "--tls-key", "k.pem"], ENV);
  assert.ok(ok.ok && ok.config.tlsCert === "c.pem" && ok.config.tlsKey === "k.pem");
});

Deno.test("loadWorkerConfig refuses a worker id or session count the coordinator would refuse", () => {
  assert.match(
    failure(loadWorkerConfig([...WORKER_ARGS, "--worker-id", "bad@id"], ENV)),
    /^invalid --worker-id "bad@id"/,
  );
  assert.match(failure(loadWorkerConfig(WORKER_ARGS, { ...ENV, WORKER_ID: "../x" })), /WORKER_ID/);
  assert.match(
    failure(loadWorkerConfig([...WORKER_ARGS, "--max-sessions", "10001"], ENV)),
    /--max-sessions "10001"/,
  );
  const ok = loadWorkerConfig(
    [...WORKER_ARGS, "--worker-id", "w-1.a", "--max-sessions", "10000"],
    ENV,
  );
  assert.ok(ok.ok && ok.config.workerId === "w-1.a" && ok.config.maxSessions === 10_000);
});

Deno.test("a worker reachable from other machines needs WORKER_TOKEN", () => {
  for (const listen of ["0.0.0.0:50051", "10.1.2.3:50051", "[::]:50051"]) {
    const message = failure(loadWorkerConfig([...WORKER_ARGS, "--listen", listen], ENV));
    assert.match(message, /reachable from other machines and WORKER_TOKEN is not set/, listen);
  }
  assert.match(
    failure(loadWorkerConfig(WORKER_ARGS, { ...ENV, WORKER_LISTEN: "0.0.0.0:50051" })),
    /^WORKER_LISTEN 0\.0\.0\.0:50051 is reachable/,
  );
  const withToken = { ...ENV, WORKER_TOKEN: "t0k3n" };
  assert.ok(loadWorkerConfig([...WORKER_ARGS, "--listen", "0.0.0.0:50051"], withToken).ok);
  for (const listen of ["127.0.0.1:0", "[::1]:50051", "localhost:50051"]) {
    assert.ok(loadWorkerConfig([...WORKER_ARGS, "--listen", listen], ENV).ok, listen);
  }
});

Deno.test("MAX_WORKSPACE_BYTES sets the workspace limit of coordinator and worker (default 1 GiB)", () => {
  const GiB = 1024 ** 3;
  const plain = loadConfig([], ENV);
  assert.ok(plain.ok && plain.config.limits.maxWorkspaceBytes === GiB);
  const set = loadConfig([], { ...ENV, MAX_WORKSPACE_BYTES: "2GiB" });
  assert.ok(set.ok && set.config.limits.maxWorkspaceBytes === 2 * GiB);
  const worker = loadWorkerConfig(WORKER_ARGS, { ...ENV, MAX_WORKSPACE_BYTES: "512MiB" });
  assert.ok(worker.ok && worker.config.limits.maxWorkspaceBytes === 512 * 1024 ** 2);
  assert.match(
    failure(loadConfig([], { ...ENV, MAX_WORKSPACE_BYTES: "lots" })),
    /MAX_WORKSPACE_BYTES/,
  );
});

Deno.test("MAX_TASK_RESULT_BYTES and MAX_TASK_RESULT_BYTES_TOTAL bound kept task results (32 MiB, 256 MiB)", () => {
  const MiB = 1024 ** 2;
  const plain = loadConfig([], ENV);
  assert.ok(plain.ok);
  assert.equal(plain.config.limits.taskResultBytesPerSession, 32 * MiB);
  assert.equal(plain.config.limits.taskResultBytesTotal, 256 * MiB);
  const set = loadConfig([], {
    ...ENV,
    MAX_TASK_RESULT_BYTES: "4MiB",
    MAX_TASK_RESULT_BYTES_TOTAL: "1GiB",
  });
  assert.ok(set.ok);
  assert.equal(set.config.limits.taskResultBytesPerSession, 4 * MiB);
  assert.equal(set.config.limits.taskResultBytesTotal, 1024 * MiB);
  assert.match(
    failure(loadConfig([], { ...ENV, MAX_TASK_RESULT_BYTES_TOTAL: "many" })),
    /MAX_TASK_RESULT_BYTES_TOTAL/,
  );
});

Deno.test("a flag the command does not take is refused on one line that points to --help", () => {
  assert.equal(
    failure(loadWorkerConfig([...WORKER_ARGS, "--transport", "http"], ENV)),
    "Unknown option '--transport' (try --help)",
  );
  // node's message for a value that looks like a flag spans lines: kept, on one line
  assert.match(
    failure(loadConfig(["--admin-port", "-1"], ENV)),
    /^Option '--admin-port' argument is ambiguous\. .*'--admin-port=-XYZ'\. \(try --help\)$/,
  );
  assert.match(failure(loadConfig(["--port"], ENV)), /'--port <value>' argument missing/);
});

Deno.test("a worker without a coordinator address is told which flag or variable to set", () => {
  assert.equal(
    failure(loadWorkerConfig([], ENV)),
    "missing --coordinator: give the coordinator's gRPC HOST:PORT (or set COORDINATOR_ADDR)",
  );
  const fromEnv = loadWorkerConfig([], { ...ENV, COORDINATOR_ADDR: "10.0.0.1:50050" });
  assert.ok(fromEnv.ok && fromEnv.config.coordinator === "10.0.0.1:50050");
});

Deno.test("loadConfig reads MAX_HTTP_SESSIONS (default 1,000) and refuses one out of range", () => {
  const plain = loadConfig([], ENV);
  assert.ok(plain.ok && plain.config.limits.maxHttpSessions === 1_000);
  const set = loadConfig([], { ...ENV, MAX_HTTP_SESSIONS: "5000" });
  assert.ok(set.ok && set.config.limits.maxHttpSessions === 5_000);
  assert.match(
    failure(loadConfig([], { ...ENV, MAX_HTTP_SESSIONS: "0" })),
    /MAX_HTTP_SESSIONS "0"/,
  );
});

Deno.test("SANDBOX_MEMORY below 64MiB, too little for Python to start, is refused naming it", () => {
  const MiB = 1024 ** 2;
  for (const text of ["1", "16MiB", "67108863"]) {
    assert.match(
      failure(loadConfig([], { ...ENV, SANDBOX_MEMORY: text })),
      new RegExp(`^invalid SANDBOX_MEMORY "${text}": expected a size of at least 64MiB`),
    );
    assert.match(
      failure(loadWorkerConfig(WORKER_ARGS, { ...ENV, SANDBOX_MEMORY: text })),
      /SANDBOX_MEMORY/,
    );
  }
  const least = loadConfig([], { ...ENV, SANDBOX_MEMORY: "64MiB" });
  assert.ok(least.ok && least.config.limits.memoryBytes === 64 * MiB);
});

Deno.test("WORKER_HEARTBEAT_TIMEOUT below 3s, shorter than three heartbeats, is refused naming it", () => {
  for (const text of ["200ms", "2999ms", "2s"]) {
    assert.match(
      failure(loadConfig([], { ...ENV, WORKER_HEARTBEAT_TIMEOUT: text })),
      new RegExp(`^invalid WORKER_HEARTBEAT_TIMEOUT "${text}": expected a duration of at least 3s`),
    );
  }
  const least = loadConfig([], { ...ENV, WORKER_HEARTBEAT_TIMEOUT: "3s" });
  assert.ok(least.ok && least.config.workerHeartbeatTimeoutMs === 3_000);
});
