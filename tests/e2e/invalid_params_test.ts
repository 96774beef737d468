import assert from "node:assert/strict";
import { z } from "zod";
import { startTestCoordinator } from "../support/in_memory.ts";

const ANY = z.object({}).passthrough();

Deno.test("params the protocol schema refuses get -32602 naming the field, not an internal error", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      "logging/setLevel",
      { level: "bogus" },
      /^Invalid params for logging\/setLevel: params\.level: /,
    ],
    ["resources/read", {}, /^Invalid params for resources\/read: params\.uri: /],
    ["resources/list", { cursor: 5 }, /^Invalid params for resources\/list: params\.cursor: /],
    ["tools/list", { cursor: {} }, /^Invalid params for tools\/list: params\.cursor: /],
    ["tools/call", { name: "echo", arguments: "x" }, /params\.arguments: /],
  ];
  for (const [method, params, message] of cases) {
    // the client's request is sent as given: it checks only the answer
    const err = await client.request({ method, params } as never, ANY).then(
      () => undefined,
      (e: unknown) => e as { code?: number; message?: string },
    );
    assert.equal(err?.code, -32602, `${method}: ${err?.message}`);
    assert.match(err?.message?.replace(/^MCP error -32602: /, "") ?? "", message);
    assert.ok(!err?.message?.includes("\n"), "one line, not the schema library's dump");
  }
  // a refused tool call is audited all the same, as an error, with what it carried
  const echoes = t.audit.records.filter((r) => r.tool === "echo");
  assert.deepEqual(echoes.map((r) => [r.error_code, r.arguments]), [
    ["INVALID_ARGUMENT", { arguments: "x" }],
  ]);
  // valid params still reach the handlers
  await client.setLoggingLevel("debug");
  const r = await client.callTool({ name: "echo", arguments: { message: "hi" } });
  assert.equal(r.isError, undefined);
});
