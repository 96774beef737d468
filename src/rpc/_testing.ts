// Test helpers for the rpc module: a scriptable WorkerService handler, a raw WorkerService
// whose task calls a test writes itself, bounded waits and test certificates.
import { settlesWithin } from "../core/mod.ts";
import { startWorkerServiceServer, type WorkerServiceHandler } from "./worker_service_server.ts";
import { type WorkerConnectionSettings, WorkerServiceConnection } from "./worker_service_client.ts";
import type { SessionLimits, TaskOutcome } from "./tasks.ts";
import { type WorkerServiceServer, WorkerServiceService } from "./gen/codegen/v1/worker.ts";
import { type GrpcServerHandle, startGrpcServer } from "./server.ts";

/** Limits a fake worker reports. */
export const FAKE_LIMITS: SessionLimits = {
  max_file_bytes: 100,
  max_read_bytes: 50,
  max_list_entries: 10,
  run_timeout_seconds_default: 3,
  run_timeout_seconds_max: 9,
  output_limit_bytes: 20,
  max_workspace_bytes: 21,
};

/** A handler answering every call trivially; override what a test needs. */
export function fakeHandler(overrides: Partial<WorkerServiceHandler> = {}): WorkerServiceHandler {
  return {
    createSession: () => Promise.resolve(FAKE_LIMITS),
    destroySession: () => Promise.resolve(),
    executeTask: () => Promise.resolve({ ok: true, result: { workspace_bytes: 1, file_count: 2 } }),
    cancelTask: () => false,
    limits: () => FAKE_LIMITS,
    ...overrides,
  };
}

/** A served `handler` and a connection to it; disposing closes the connection, then the server. */
export interface ServedConnection extends AsyncDisposable {
  server: GrpcServerHandle;
  conn: WorkerServiceConnection;
}

/** Serves `handler` on a free port of 127.0.0.1 and connects to it with `settings`. */
export async function serveAndConnect(
  handler: WorkerServiceHandler,
  settings: WorkerConnectionSettings = {},
): Promise<ServedConnection> {
  return connectTo(await startWorkerServiceServer(handler), settings);
}

/** Connects to `server` on 127.0.0.1 with `settings`; disposing closes both, as above. */
export function connectTo(
  server: GrpcServerHandle,
  settings: WorkerConnectionSettings = {},
): ServedConnection {
  const conn = new WorkerServiceConnection(`127.0.0.1:${server.port}`, settings);
  return {
    server,
    conn,
    async [Symbol.asyncDispose]() {
      conn.close();
      await server.close();
    },
  };
}

/** An outcome's error code, or "ok". */
export function outcomeCode(outcome: TaskOutcome): string {
  return outcome.ok ? "ok" : outcome.error.code;
}

/**
 * Serves a WorkerService on a free port whose session calls answer trivially and whose
 * task calls are the test's own, speaking the wire messages directly.
 */
export function startRawWorkerService(
  tasks: Pick<WorkerServiceServer, "executeTask" | "runTasks">,
): Promise<GrpcServerHandle> {
  const implementation: WorkerServiceServer = {
    createSession: (_call, cb) => cb(null, { limits: FAKE_LIMITS }),
    destroySession: (_call, cb) => cb(null, {}),
    cancelTask: (_call, cb) => cb(null, { cancelled: false }),
    getLimits: (_call, cb) => cb(null, FAKE_LIMITS),
    ...tasks,
  };
  return startGrpcServer({ services: [{ definition: WorkerServiceService, implementation }] });
}

/** `promise`, or a rejection after `ms`, so no test can hang on a lost outcome. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!(await settlesWithin(promise, ms))) throw new Error(`no answer within ${ms} ms`);
  return promise;
}

/** Whether the `openssl` command runs here. */
export function hasOpenssl(): boolean {
  try {
    return new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** PEM file paths of a throwaway CA, a server certificate and a client certificate. */
export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Serves and dials (localhost, 127.0.0.1), as a coordinator or worker under mutual TLS. */
  peerCert: string;
  peerKey: string;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/**
 * Makes a CA and X.509 v3 server (localhost, 127.0.0.1), client and peer (both) certificates
 * in a temp dir; Deno accepts only v3 certificates for client authentication.
 */
export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await Deno.makeTempDir({ prefix: "certs-" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    dir,
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=codegen test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  const leaves = {
    server: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    client: "extendedKeyUsage=clientAuth\n",
    peer: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n",
  };
  for (const [name, ext] of Object.entries(leaves)) {
    await Deno.writeTextFile(
      `${dir}/${name}.ext`,
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n${ext}`,
    );
    await openssl(
      dir,
      "req",
      ...ec,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name === "client" ? "codegen-worker" : "localhost"}`,
    );
    await openssl(
      dir,
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
  }
  return {
    dir,
    ca: `${dir}/ca.pem`,
    serverCert: `${dir}/server.pem`,
    serverKey: `${dir}/server.key`,
    clientCert: `${dir}/client.pem`,
    clientKey: `${dir}/client.key`,
    peerCert: `${dir}/peer.pem`,
    peerKey: `${dir}/peer.key`,
  };
}
