// Regression probe for a Deno node:http2 crash on graceful close (GOAWAY) after many
// streams: run as its own process so a crash shows as an exit code, not a dead test run.
// Prints "ok" and exits 0 when every step survived.
import { type sendUnaryData, status as Status } from "@grpc/grpc-js";
import {
  WorkerServiceClient,
  type WorkerServiceServer,
  WorkerServiceService,
} from "../gen/codegen/v1/worker.ts";
import { openChannel } from "../channel.ts";
import { startGrpcServer } from "../server.ts";

const LIMITS = {
  max_file_bytes: 1,
  max_read_bytes: 1,
  max_list_entries: 1,
  run_timeout_seconds_default: 1,
  run_timeout_seconds_max: 1,
  output_limit_bytes: 1,
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
};

const server = await startGrpcServer({
  token: "t",
  services: [{ definition: WorkerServiceService, implementation }],
});
const address = `127.0.0.1:${server.port}`;

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

const CALLS = Number(Deno.args[0] ?? "250");
// 1. Many streams on one channel, then the channel closes (client-side GOAWAY).
const first = openChannel(WorkerServiceClient, address, { token: "t" });
for (let i = 0; i < CALLS; i++) await (i % 2 ? limits(first) : stream(first));
first.close();

// 2. A second client stays connected while the server shuts down gracefully.
const second = openChannel(WorkerServiceClient, address, { token: "t" });
for (let i = 0; i < CALLS; i++) await limits(second);
await server.close(5_000);
const after = await limits(second).then(() => "answered", (e) => `failed ${e.code}`);
second.close();

Deno.stdout.writeSync(new TextEncoder().encode(`ok ${CALLS} ${after}\n`));
