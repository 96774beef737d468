import assert from "node:assert/strict";
import { spawnStdioMain, stopStdioMain } from "../support/run_main.ts";
import { freePort } from "../support/free_port.ts";
import { INITIALIZE_BODY } from "../../src/mcp/http/_testing.ts";

const CALLS = 200;
const MESSAGE = "m".repeat(32 * 1024);

/** Whether the admin server answers /healthz within `ms` (the serving thread is free). */
async function healthyWithin(port: number, ms: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(ms),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

Deno.test("stdio: a client that stops reading stdout does not stop the coordinator", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-unread-" });
  const admin = freePort();
  const child = spawnStdioMain(dir, { ADMIN_PORT: String(admin) });
  try {
    // up first (a loaded machine may take a while to start it), then the flood
    const upBy = Date.now() + 60_000;
    while (!await healthyWithin(admin, 1_000) && Date.now() < upBy) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(await healthyWithin(admin, 5_000), "the admin server came up");
    const writer = child.stdin.getWriter();
    const lines = [
      INITIALIZE_BODY,
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    ];
    for (let id = 2; id < CALLS + 2; id++) {
      const params = { name: "echo", arguments: { message: MESSAGE } };
      lines.push(JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params }));
    }
    // about 13 MB of answers, far past a pipe's buffer; nobody reads stdout yet. Not
    // awaited: a coordinator stuck writing stdout stops reading stdin too
    const sent = writer.write(new TextEncoder().encode(lines.join("\n") + "\n"));
    sent.catch(() => {});
    // the answers are queued by now (or input waits): the serving thread must stay free
    await new Promise((r) => setTimeout(r, 1_000));
    for (let i = 0; i < 3; i++) {
      assert.ok(await healthyWithin(admin, 5_000), "health check answered while stdout is full");
    }

    // a client that reads again gets every answer
    const ids: number[] = [];
    let rest = "";
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const deadline = Date.now() + 30_000;
    while (ids.length < CALLS + 1 && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      const parts = (rest + value).split("\n");
      rest = parts.pop()!;
      for (const line of parts) {
        const reply = JSON.parse(line) as { id: number; result?: { content?: unknown } };
        assert.ok(reply.result, `call ${reply.id} answered with a result`);
        ids.push(reply.id);
      }
    }
    assert.deepEqual(ids.sort((a, b) => a - b), Array.from({ length: CALLS + 1 }, (_, i) => i + 1));
    await sent;
    await writer.close();
    await reader.cancel();
  } finally {
    await stopStdioMain(child, dir);
  }
});

Deno.test("stdio: a client that closes its end of stdout ends the coordinator, though stdin stays open", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-gone-" });
  const child = spawnStdioMain(dir);
  const writer = child.stdin.getWriter();
  try {
    await child.stdout.cancel(); // the client is gone from stdout; stdin is not closed
    const lines = [
      INITIALIZE_BODY,
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "echo", arguments: { message: "to nobody" } },
      }),
    ];
    await writer.write(new TextEncoder().encode(lines.join("\n") + "\n"));
    // without the end of the connection it would run on, executing calls for nobody
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<false>((r) => timer = setTimeout(() => r(false), 20_000)),
    ]);
    clearTimeout(timer);
    assert.ok(exited, "the coordinator exited once it found nobody reads its answers");
    assert.equal((await child.status).code, 0);
  } finally {
    await writer.close().catch(() => {});
    await stopStdioMain(child, dir);
  }
});
