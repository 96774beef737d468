import assert from "node:assert/strict";
import { spawnStdioMain, stopStdioMain } from "../support/run_main.ts";
import { INITIALIZE_BODY } from "../../src/mcp/http/_testing.ts";

const BAD_FRAMES = 6_000; // each logs a warning of about 270 bytes: 1.6 MB, far past a pipe
const CHECK_ID = 99_999;

Deno.test("stdio: a client that never reads stderr does not stop the coordinator; what is dropped is counted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-unread-stderr-" });
  const child = spawnStdioMain(dir, { LOG_LEVEL: "info" }, "piped");
  try {
    const writer = child.stdin.getWriter();
    const lines = [
      INITIALIZE_BODY,
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    ];
    for (let i = 0; i < BAD_FRAMES; i++) lines.push(`{bad json ${i}`);
    const params = { name: "echo", arguments: { message: "still serving" } };
    lines.push(JSON.stringify({ jsonrpc: "2.0", id: CHECK_ID, method: "tools/call", params }));
    const sent = writer.write(new TextEncoder().encode(lines.join("\n") + "\n"));
    sent.catch(() => {});

    // stdout is read, stderr is not: the call after the bad frames must still be answered
    let answered = false;
    let rest = "";
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    // a coordinator stuck writing stderr never answers: stop waiting after a minute
    const timer = setTimeout(() => reader.cancel().catch(() => {}), 60_000);
    try {
      while (!answered) {
        const { value, done } = await reader.read();
        if (done) break;
        const parts = (rest + value).split("\n");
        rest = parts.pop()!;
        answered = parts.some((line) => (JSON.parse(line) as { id?: unknown }).id === CHECK_ID);
      }
    } finally {
      clearTimeout(timer);
    }
    assert.ok(answered, "the call after the flood of logged warnings was answered");

    // now read stderr: what fitted is there, the rest counted, and the lines logged at exit
    // were written before the process ended
    await sent;
    await writer.close();
    const [stderr] = await Promise.all([new Response(child.stderr).text(), reader.cancel()]);
    assert.equal((await child.status).code, 0);
    const records = stderr.trim().split("\n").map((line) =>
      JSON.parse(line) as {
        message: string;
        properties: { count?: number };
      }
    );
    const warned = records.filter((r) => r.message.startsWith("Dropped a message")).length;
    const notes = records.filter((r) => /^Dropped \d+ log line\(s\)/.test(r.message));
    assert.ok(notes.length > 0, "the reader is told that lines were dropped");
    const dropped = notes.reduce((sum, r) => sum + (r.properties.count ?? 0), 0);
    assert.ok(warned < BAD_FRAMES && warned + dropped >= BAD_FRAMES, `${warned} + ${dropped}`);
    assert.match(records.at(-1)!.message, /^Audit log .* closed at seq/);
  } finally {
    await stopStdioMain(child, dir);
  }
});
