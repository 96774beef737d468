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

Deno.test("runHealthCheck() names the flag it cannot use, exit 2, and never shows credentials", async () => {
  const cases: [string[], RegExp][] = [
    [["--url", "ftp://x"], /^--url must be an http/],
    [["--timeout", "0"], /^--timeout must be a whole number/],
    [["--timeout", "-1"], /--timeout/],
    [["--timeout=-1"], /^--timeout must be/],
    [["--timeout", "Infinity"], /^--timeout must be/],
    [["--timeout", "1e400"], /^--timeout must be/],
    // past what a timer can wait: it would fire at once
    [["--timeout", "3000000000"], /^--timeout must be .* to 600000/],
    [["--nope"], /^Unknown option '--nope'/],
  ];
  for (const [args, why] of cases) {
    const result = await runHealthCheck(args);
    assert.equal(result.exitCode, 2, args.join(" "));
    assert.match(result.message, why);
    assert.equal(result.message.split("\n").length, 1);
  }
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  const url = `http://u:secretpw@127.0.0.1:${port}/healthz?token=abc`;
  const down = await runHealthCheck(["--url", url, "--timeout", "1000"]);
  assert.equal(down.exitCode, 1);
  assert.match(down.message, new RegExp(`^unhealthy: http://127\\.0\\.0\\.1:${port}/healthz `));
  assert.doesNotMatch(down.message, /secretpw|abc/);
});
