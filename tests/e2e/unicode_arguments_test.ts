import assert from "node:assert/strict";
import { resultText } from "../support/sdk_client.ts";
import { startTestCoordinator } from "../support/in_memory.ts";

// A lone surrogate (half of a UTF-16 pair) has no UTF-8 form: sent on, it would become
// U+FFFD or fail somewhere past the checks. Every tool refuses it up front, naming the
// argument; none of these needs Python, as nothing may run.
Deno.test("tools refuse string arguments holding a lone surrogate, naming the argument", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  const refusals: Array<[string, Record<string, unknown>, string]> = [
    ["fs.write", { path: "a.txt", contents: "x\ud800y" }, "contents"],
    [
      "fs.write",
      { path: "a.txt", contents: "\udc00", encoding: "utf-8", append: true },
      "contents",
    ],
    ["test.run", { args: ["-k", "\ud800"] }, "args[1]"],
    ["test.run", { args: ["\ud800"], async: true }, "args[0]"],
    ["pkg.install", { packages: ["six", "a\udfff"] }, "packages[1]"],
    ["pkg.install", { packages: ["six"], index_url: "https://example.com/s\ud800" }, "index_url"],
    ["pkg.install", { packages: ["a\ud800"], async: true }, "packages[0]"],
  ];
  for (const [tool, args, name] of refusals) {
    const r = await client.callTool({ name: tool, arguments: args });
    assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}`);
    assert.match(
      resultText(r),
      new RegExp(`^INVALID_ARGUMENT: Invalid ${escape(name)}: a lone surrogate`),
    );
    assert.equal(r.structuredContent, undefined, "no task was started");
  }
  const records = t.audit.records.filter((r) => r.kind === "tool_call");
  assert.deepEqual(records.map((r) => r.error_code), refusals.map(() => "INVALID_ARGUMENT"));
  const ls = await client.callTool({ name: "fs.list", arguments: {} });
  assert.deepEqual((ls.structuredContent as { entries: unknown[] }).entries, [], "nothing written");
  // base64 keeps its own, more precise refusal; surrogate pairs are text like any other
  const b64 = await client.callTool({
    name: "fs.write",
    arguments: { path: "b.bin", contents: "\ud800", encoding: "base64" },
  });
  assert.match(
    resultText(b64),
    /^INVALID_ARGUMENT: Cannot write "b.bin": contents are not valid base64/,
  );
  const pair = await client.callTool({
    name: "fs.write",
    arguments: { path: "smile.txt", contents: "\u{1F600}" },
  });
  assert.deepEqual(pair.structuredContent, { path: "smile.txt", bytes_written: 4 });
});

function escape(text: string): string {
  return text.replace(/[[\]]/g, "\\$&");
}
