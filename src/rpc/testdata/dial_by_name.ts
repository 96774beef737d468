// Dials a WorkerService at the host:port given, with whatever net grant the test chose,
// and prints "ok" or "error <message>": proves a channel is checked by the name dialled.
import { Metadata } from "@grpc/grpc-js";
import { WorkerServiceClient } from "../gen/codegen/v1/worker.ts";
import { openChannel } from "../channel.ts";

const client = openChannel(WorkerServiceClient, Deno.args[0] ?? "");
const deadline = new Date(Date.now() + 5_000);
client.getLimits({}, new Metadata(), { deadline }, (err) => {
  // deno-lint-ignore no-console -- the test reads this line
  console.log(err ? `error ${err.message}` : "ok");
  client.close();
});
