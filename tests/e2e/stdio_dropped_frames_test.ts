import assert from "node:assert/strict";
import { spawnStdioMain, stopStdioMain } from "../support/run_main.ts";
import { INITIALIZE_BODY } from "../../src/mcp/http/_testing.ts";
import { settlesWithin } from "../../src/core/mod.ts";

const SECRET = "s3cret-in-a-dropped-frame";

Deno.test("stdio: frames dropped or refused are logged without their contents, and the process exits at end of input", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-dropped-frames-" });
  const child = spawnStdioMain(dir, { LOG_LEVEL: "info" }, "piped");
  try {
    const frames = [
      INITIALIZE_BODY,
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      // a response to nothing the server asked: the protocol layer drops it
      JSON.stringify({ jsonrpc: "2.0", id: 77, result: { token: SECRET } }),
      // not JSON at all
      `{"jsonrpc":"2.0","id":78,"method":"tools/call","params":{"token":"${SECRET}"`,
      // a request with a member JSON-RPC does not have: answered, not left waiting
      JSON.stringify({
        jsonrpc: "2.0",
        id: 79,
        method: "tools/call",
        params: { name: "echo", arguments: { message: "x" } },
        extra: SECRET,
      }),
    ];
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(frames.join("\n") + "\n"));
    await writer.close();
    const output = Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    // a request left unanswered keeps the process waiting for it: do not wait for ever
    const exited = await settlesWithin(child.status, 30_000);
    if (!exited) child.kill("SIGKILL");
    const [stdout, stderr] = await output;
    assert.ok(exited, "exits once its input ended");
    assert.equal((await child.status).code, 0);
    const answers = stdout.trim().split("\n").map((line) => JSON.parse(line));
    const refused = answers.find((a) => a.id === 79);
    assert.equal(refused?.error?.code, -32600);
    assert.match(refused.error.message, /unknown member "extra"/);
    assert.ok(!stdout.includes(SECRET), "answers do not echo the frame");
    assert.match(stderr, /Dropped a message/);
    assert.ok(!stderr.includes(SECRET), "the log does not quote the frames");
  } finally {
    await stopStdioMain(child, dir);
  }
});
