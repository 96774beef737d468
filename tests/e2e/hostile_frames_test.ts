import assert from "node:assert/strict";
import { spawnStdioMain } from "../support/run_main.ts";
import { INITIALIZE_BODY } from "../../src/mcp/http/_testing.ts";

const FRAMES = 1000;

/** Builds `FRAMES` malformed or hostile JSON-RPC lines, deterministically. */
function hostileFrames(): string[] {
  const frames: string[] = [];
  const huge = "x".repeat(2 * 1024 * 1024);
  const makers: ((i: number) => string)[] = [
    (i) => `{"jsonrpc":"2.0","id":${i},"method":`, // truncated JSON
    () => "not json at all",
    (i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "no/such/method", params: {} }),
    (i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: 42 } }),
    (i) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id: i,
        method: "tools/call",
        params: { name: "echo", arguments: { message: 7 } },
      }),
    (i) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id: i,
        method: "tools/call",
        params: { name: "fs.read", arguments: "oops" },
      }),
    (i) => JSON.stringify({ jsonrpc: "1.0", id: i, method: "ping" }),
    (i) => JSON.stringify({ jsonrpc: "2.0", id: { nested: i }, method: "ping" }),
    () => JSON.stringify([1, 2, 3]),
    () => "null",
    (i) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id: i,
        method: "tools/call",
        params: { name: "no.such.tool", arguments: {} },
      }),
    (i) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id: i,
        method: "resources/read",
        params: { uri: "file:///etc/passwd" },
      }),
    (i) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id: i,
        method: "tools/call",
        params: { name: "fs.read", arguments: { path: "../../etc/passwd" } },
      }),
    () => "\u0000\u0001\u0002",
    () => "{}",
  ];
  for (let i = 0; i < FRAMES; i++) {
    if (i % 250 === 0) {
      frames.push(
        JSON.stringify({
          jsonrpc: "2.0",
          id: 100_000 + i,
          method: "tools/call",
          params: { name: huge, arguments: {} },
        }),
      );
      continue;
    }
    frames.push(makers[i % makers.length]!(100_000 + i));
  }
  return frames;
}

Deno.test("1,000 malformed or hostile JSON-RPC frames over stdio: each is answered or dropped and valid calls still work", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-frames-" });
  const child = spawnStdioMain(dir);
  const writer = child.stdin.getWriter();
  const enc = new TextEncoder();
  const responses = new Map<unknown, Record<string, unknown>>();
  const reading = (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const msg = JSON.parse(line); // every line the server writes must be valid JSON
        if (msg.id !== undefined) responses.set(msg.id, msg);
      }
    }
  })();
  const send = (line: string) => writer.write(enc.encode(line + "\n"));
  const timeout = setTimeout(() => child.kill("SIGKILL"), 120_000);
  try {
    await send(INITIALIZE_BODY);
    await send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    for (const frame of hostileFrames()) await send(frame);
    await send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "echo", arguments: { message: "alive" } },
      }),
    );
    // wait (bounded) for the valid call's answer
    for (let i = 0; i < 600 && !responses.has(2); i++) await new Promise((r) => setTimeout(r, 100));
    const ok = responses.get(2) as { result?: { structuredContent?: unknown } } | undefined;
    assert.deepEqual(
      ok?.result?.structuredContent,
      { message: "alive" },
      "server still serves valid calls",
    );
    // requests with a usable id were answered with an error, never a success for bad input
    const unknown = responses.get(100_002) as { error?: { code: number } } | undefined;
    assert.equal(unknown?.error?.code, -32601, "unknown method → method not found");
    const badArgs = responses.get(100_004) as
      | { result?: { isError?: boolean }; error?: unknown }
      | undefined;
    assert.ok(badArgs?.error || badArgs?.result?.isError, "wrong argument types are refused");
    const escape = responses.get(100_012) as {
      result?: { isError?: boolean; content?: { text: string }[] };
    } | undefined;
    assert.equal(escape?.result?.isError, true);
    assert.match(escape?.result?.content?.[0]?.text ?? "", /^PATH_VIOLATION: /);
    assert.ok(responses.size > FRAMES / 3, `answered ${responses.size} frames`);
  } finally {
    clearTimeout(timeout);
    await writer.close().catch(() => {});
    const status = await child.status;
    await reading.catch(() => {});
    await Deno.remove(dir, { recursive: true });
    assert.ok(
      status.success || status.signal === undefined || status.code === 0,
      "exits cleanly on EOF",
    );
  }
});
