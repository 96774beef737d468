import assert from "node:assert/strict";
import { startRawWorkerService } from "./_testing.ts";

const DIALER = new URL("./testdata/dial_by_name.ts", import.meta.url).pathname;

// A binary is granted host names (e.g. *.svc.cluster.local), never the IPs behind them:
// a channel must reach a host whose name alone is granted.
Deno.test("a channel dials by name: a grant for the name suffices, its IP is not needed", async () => {
  const server = await startRawWorkerService({
    executeTask: (call) => call.end(),
    runTasks: (call) => call.end(),
  });
  try {
    const target = `localhost:${server.port}`;
    const run = async (grant: string) => {
      const { stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", `--allow-net=${grant}`, "--allow-env", "--allow-read", DIALER, target],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(30_000),
      }).output();
      return new TextDecoder().decode(stdout).trim() || new TextDecoder().decode(stderr);
    };
    assert.equal(await run("localhost"), "ok");
    // the IP alone is not enough: the name is what is checked
    assert.match(await run("127.0.0.1"), /^error 14 UNAVAILABLE: .*EPERM localhost/);
  } finally {
    await server.close();
  }
});
