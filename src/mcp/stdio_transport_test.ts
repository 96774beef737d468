import assert from "node:assert/strict";
import { StdioTransport } from "./stdio_transport.ts";

const decoder = new TextDecoder();

// a transport whose writes are recorded, one entry per writeSync, and whose input never ends
function transport() {
  const writes: string[] = [];
  const input = new ReadableStream<Uint8Array>();
  const t = new StdioTransport({
    input,
    output: {
      writeSync(bytes: Uint8Array) {
        writes.push(decoder.decode(bytes));
        return bytes.length;
      },
    },
    maxLineBytes: 1 << 20,
  });
  return { t, writes };
}

const note = (n: number) => ({
  jsonrpc: "2.0" as const,
  method: "notifications/message",
  params: { level: "info", data: `line ${n}` },
});
const response = { jsonrpc: "2.0" as const, id: 1, result: {} };

Deno.test("stdio: notifications are written together with the response that follows, in order", async () => {
  const { t, writes } = transport();
  await t.send(note(1));
  await t.send(note(2));
  assert.equal(writes.length, 0, "notifications wait for what follows");
  await t.send(response);
  assert.equal(writes.length, 1, "one write for all three");
  assert.deepEqual(
    writes[0]!.trimEnd().split("\n").map((line) => JSON.parse(line)),
    [note(1), note(2), response],
  );
  await t.close();
});

Deno.test("stdio: a notification with nothing after it is written within moments", async () => {
  const { t, writes } = transport();
  await t.send(note(1));
  const deadline = Date.now() + 2_000;
  while (writes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(writes.map((w) => JSON.parse(w)), [note(1)]);
  await t.close();
});

Deno.test("stdio: held notifications are bounded in bytes and flushed on close", async () => {
  const { t, writes } = transport();
  const big = { ...note(0), params: { level: "info", data: "x".repeat(40_000) } };
  await t.send(big);
  assert.equal(writes.length, 0);
  await t.send(big); // over 64 KiB held: written at once
  assert.equal(writes.length, 1);
  assert.equal(writes[0]!.trimEnd().split("\n").length, 2);
  await t.send(note(3));
  await t.close();
  assert.equal(writes.length, 2, "close writes what is still held");
  assert.deepEqual(JSON.parse(writes[1]!), note(3));
});

Deno.test("stdio: a failed write rejects the response's send", async () => {
  const t = new StdioTransport({
    input: new ReadableStream<Uint8Array>(),
    output: {
      writeSync() {
        throw new Error("broken pipe");
      },
    },
    maxLineBytes: 1 << 20,
  });
  await assert.rejects(t.send(response), /broken pipe/);
  await t.close();
});
