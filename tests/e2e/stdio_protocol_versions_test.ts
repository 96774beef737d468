import assert from "node:assert/strict";
import { spawnStdioMain } from "../support/run_main.ts";

/** Raw JSON-RPC lines to and from `main.ts serve` over stdio. */
function rawStdio(dir: string) {
  const child = spawnStdioMain(dir);
  const writer = child.stdin.getWriter();
  const lines: unknown[] = [];
  let wake: (() => void) | undefined;
  const reading = (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        lines.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
        wake?.();
      }
    }
  })();
  return {
    send: (value: unknown) => writer.write(new TextEncoder().encode(JSON.stringify(value) + "\n")),
    /** The next line the server writes, waited for at most 30 s. */
    async next(): Promise<unknown> {
      for (let i = 0; i < 300 && lines.length === 0; i++) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      assert.ok(lines.length > 0, "the server answered within 30 s");
      return lines.shift();
    },
    async close() {
      await writer.close().catch(() => {});
      await child.status;
      await reading.catch(() => {});
    },
  };
}

function initialize(id: number | string, protocolVersion?: string) {
  return {
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: {
      ...(protocolVersion === undefined ? {} : { protocolVersion }),
      capabilities: {},
      clientInfo: { name: "raw", version: "1" },
    },
  };
}

const echo = (id: number | string, message: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "echo", arguments: { message } },
});

Deno.test("stdio: protocol versions are negotiated, task metadata is ignored, and a JSON-RPC batch is answered with one array at 2025-03-26 only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-versions-" });
  const io = rawStdio(dir);
  try {
    await io.send(initialize(1));
    const missing = await io.next() as { id: number; error: { code: number } };
    assert.deepEqual([missing.id, missing.error.code], [1, -32602], "no protocolVersion");

    await io.send(initialize("s", "2999-01-01"));
    const future = await io.next() as { id: string; result: { protocolVersion: string } };
    assert.equal(future.id, "s", "a string id comes back a string");
    assert.ok(future.result.protocolVersion >= "2025-06-18", "the latest version is offered");
    // we declare no tasks capability: a task-augmented call is run as a plain one (2025-11-25)
    await io.send({ ...echo(1, "t"), params: { ...echo(1, "t").params, task: { ttl: 60_000 } } });
    const plain = await io.next() as { id: number; result?: { structuredContent?: unknown } };
    assert.deepEqual(plain.result?.structuredContent, { message: "t" }, JSON.stringify(plain));
    await io.send([echo(2, "a"), echo(3, "b")]);
    const refused = [await io.next(), await io.next()] as { id: number; error: { code: number } }[];
    assert.deepEqual(refused.map((r) => [r.id, r.error.code]), [[2, -32600], [3, -32600]]);

    await io.send(initialize(4, "2025-03-26"));
    const old = await io.next() as { result: { protocolVersion: string; capabilities: object } };
    assert.equal(old.result.protocolVersion, "2025-03-26");
    // each declared capability is served; none of the lists changes while connected
    assert.deepEqual(old.result.capabilities, {
      logging: {},
      resources: { listChanged: false },
      tools: { listChanged: false },
    });
    await io.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    await io.send([echo(5, "a"), { jsonrpc: "2.0", id: "p", method: "ping" }, echo(6, "b")]);
    const batch = await io.next() as { id: unknown; result: { structuredContent?: unknown } }[];
    assert.ok(Array.isArray(batch), "one line: an array");
    const byId = new Map(batch.map((a) => [a.id, a.result]));
    assert.deepEqual([...byId.keys()].sort(), [5, 6, "p"].sort());
    assert.deepEqual(byId.get(5)?.structuredContent, { message: "a" });
    assert.deepEqual(byId.get(6)?.structuredContent, { message: "b" });
    assert.deepEqual(byId.get("p"), {});
  } finally {
    await io.close();
    await Deno.remove(dir, { recursive: true });
  }
});
