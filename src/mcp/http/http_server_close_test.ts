import assert from "node:assert/strict";
import { startHttpServer } from "./http_server.ts";
import { connectSse, connectStreamable, serverOptions as options } from "./_testing.ts";
import { WaitCalls } from "./_wait_tool.ts";

const STOPPED = /-32000.*CANCELLED: the server stopped before this request finished/;

// The call's outcome as text: its error's message, or that it got a result.
function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(() => "answered with a result", (err: Error) => err.message);
}

for (const kind of ["streamable-http", "sse"] as const) {
  Deno.test(`HTTP server close (${kind}): a call still running is answered CANCELLED`, async () => {
    const calls = new WaitCalls();
    const http = await startHttpServer(options({ createServer: () => calls.createServer() }));
    const client = kind === "sse"
      ? await connectSse(http.url)
      : (await connectStreamable(http.url)).client;
    try {
      const call = outcome(client.callTool({ name: "wait", arguments: { name: "a" } }));
      await calls.begun("a");
      await http.close();
      assert.match(await call, STOPPED);
    } finally {
      await client.close().catch(() => {});
      await http.close();
    }
  });
}
