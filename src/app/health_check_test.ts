import assert from "node:assert/strict";
import { runHealthCheck } from "./health_check.ts";

Deno.test("runHealthCheck() exits 0 for a 200 answer and 1 for anything else or no answer", async () => {
  let status = 200;
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("x", { status }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/healthz`;
  assert.equal((await runHealthCheck(["--url", url])).exitCode, 0);
  status = 503;
  const bad = await runHealthCheck(["--url", url]);
  assert.equal(bad.exitCode, 1);
  assert.match(bad.message, /503/);
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  assert.equal(
    (await runHealthCheck(["--url", `http://127.0.0.1:${port}/healthz`, "--timeout", "1000"]))
      .exitCode,
    1,
  );
  assert.equal((await runHealthCheck(["--url", "ftp://x"])).exitCode, 2);
});
