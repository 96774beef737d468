// Regression probe for Deno node:http2 crashes on GOAWAY after many streams (Deno
// 2.9.4-2.9.6 abort in nghttp2's find_stream_on_goaway_func, or segfault). Runs one
// scenario per process so a crash shows as an exit code, not a dead test run:
//   goaway_probe.ts <channel-close|server-shutdown|server-goaway> [calls]
// Prints "ok <scenario> <detail>" and exits 0 when the process survived.
import http2 from "node:http2";
import { type sendUnaryData, status as Status } from "@grpc/grpc-js";
import {
  WorkerServiceClient,
  type WorkerServiceServer,
  WorkerServiceService,
} from "../gen/codegen/v1/worker.ts";
import { openChannel } from "../channel.ts";
import { type GrpcServerHandle, startGrpcServer } from "../server.ts";

const LIMITS = {
  max_file_bytes: 1,
  max_read_bytes: 1,
  max_list_entries: 1,
  run_timeout_seconds_default: 1,
  run_timeout_seconds_max: 1,
  output_limit_bytes: 1,
  max_workspace_bytes: 1,
};
function unimplemented(_call: unknown, cb: sendUnaryData<never>): void {
  cb({ code: Status.UNIMPLEMENTED, details: "INTERNAL: not here" });
}
const implementation: WorkerServiceServer = {
  getLimits: (_call, cb) => cb(null, LIMITS),
  createSession: unimplemented,
  destroySession: unimplemented,
  cancelTask: unimplemented,
  executeTask: (call) => {
    call.write({ event: { $case: "progress", value: { progress: 1 } } });
    call.end();
  },
  runTasks: (call) => call.end(),
};

function limits(client: WorkerServiceClient): Promise<void> {
  return new Promise((resolve, reject) =>
    client.getLimits({}, (err) => (err ? reject(err) : resolve()))
  );
}
function stream(client: WorkerServiceClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = client.executeTask({ session_id: "s", task_id: "t" });
    call.on("data", () => {});
    call.on("error", reject);
    call.on("end", resolve);
  });
}

function grpcServer(): Promise<GrpcServerHandle> {
  return startGrpcServer({ services: [{ definition: WorkerServiceService, implementation }] });
}

/** Many unary and streaming calls on one channel, then the client closes it. */
async function channelClose(calls: number): Promise<string> {
  const server = await grpcServer();
  const client = openChannel(WorkerServiceClient, `127.0.0.1:${server.port}`);
  for (let i = 0; i < calls; i++) await (i % 2 ? limits(client) : stream(client));
  client.close();
  await server.close(5_000);
  return "closed";
}

/** A graceful server shutdown (tryShutdown) with a busy client still connected. */
async function serverShutdown(calls: number): Promise<string> {
  const server = await grpcServer();
  const client = openChannel(WorkerServiceClient, `127.0.0.1:${server.port}`);
  for (let i = 0; i < calls; i++) await limits(client);
  await server.close(5_000);
  const after = await limits(client).then(() => "answered", (e) => `failed ${e.code}`);
  client.close();
  return after;
}

/**
 * A server sends GOAWAY with a last-stream-id below ids the client already used (the
 * shape of denoland/deno#36788). A bare HTTP/2 server makes the GOAWAY deterministic; its
 * calls end UNIMPLEMENTED, which is fine: streams are what count.
 */
async function serverGoaway(calls: number): Promise<string> {
  const raw = http2.createServer();
  const sessions: http2.ServerHttp2Session[] = [];
  raw.on("session", (session) => {
    session.on("error", () => {});
    sessions.push(session);
  });
  raw.on("stream", (s: http2.ServerHttp2Stream) => {
    s.on("error", () => {});
    s.resume();
    s.on("end", () => {
      s.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      s.on("wantTrailers", () => s.sendTrailers({ "grpc-status": "12" }));
      s.end();
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  const port = (raw.address() as { port: number }).port;
  const client = openChannel(WorkerServiceClient, `127.0.0.1:${port}`);
  for (let i = 0; i < calls; i++) await limits(client).catch(() => {});
  const channel = client.getChannel();
  const moved = new Promise<void>((resolve) =>
    channel.watchConnectivityState(
      channel.getConnectivityState(false),
      Date.now() + 5_000,
      () => resolve(),
    )
  );
  for (const session of sessions) session.goaway(0, 1);
  await moved;
  client.close();
  for (const session of sessions) session.destroy();
  await new Promise((resolve) => raw.close(resolve));
  return "survived";
}

const SCENARIOS: Record<string, (calls: number) => Promise<string>> = {
  "channel-close": channelClose,
  "server-shutdown": serverShutdown,
  "server-goaway": serverGoaway,
};

const scenario = Deno.args[0] ?? "";
const run = SCENARIOS[scenario];
if (!run) throw new Error(`Unknown scenario "${scenario}"`);
const detail = await run(Number(Deno.args[1] ?? "250"));
Deno.stdout.writeSync(new TextEncoder().encode(`ok ${scenario} ${detail}\n`));
