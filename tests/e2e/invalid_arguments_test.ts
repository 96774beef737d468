import assert from "node:assert/strict";
import { resultText } from "../support/sdk_client.ts";
import { startTestCoordinator } from "../support/in_memory.ts";

Deno.test("arguments the input schema refuses get INVALID_ARGUMENT and an audit record", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  const cases: [string, Record<string, unknown>][] = [
    ["fs.read", { path: "a.txt", offset: -1 }],
    ["fs.read", { path: "a.txt", encoding: "latin1" }],
    ["fs.write", { path: 7, contents: "x", api_token: "s3cret-value" }],
    ["fs.write", { path: "a.txt" }],
    ["echo", {}],
  ];
  for (const [tool, args] of cases) {
    const r = await client.callTool({ name: tool, arguments: args });
    assert.equal(r.isError, true, tool);
    assert.match(
      resultText(r),
      new RegExp(`^INVALID_ARGUMENT: Invalid arguments for tool ${tool}: `),
    );
    assert.deepEqual(r._meta?.["codegen-mcp/error"], {
      code: "INVALID_ARGUMENT",
      retriable: false,
    });
  }
  const records = t.audit.records.filter((r) => r.kind === "tool_call");
  assert.equal(records.length, cases.length);
  assert.deepEqual(records.map((r) => r.tool), cases.map(([tool]) => tool));
  for (const r of records) {
    assert.equal(r.outcome, "error");
    assert.equal(r.error_code, "INVALID_ARGUMENT");
  }
  // the refused arguments are recorded by the same rules as any others
  assert.equal(records[0]?.arguments.offset, -1);
  assert.ok(!JSON.stringify(records).includes("s3cret-value"), "a secret-named key is redacted");
  // a valid call still works on the same connection
  const ok = await client.callTool({ name: "echo", arguments: { message: "hi" } });
  assert.equal(ok.isError, undefined);
});

Deno.test("MAX_ARGUMENT_BYTES counts UTF-8 bytes, not characters", async () => {
  await using t = await startTestCoordinator({ MAX_ARGUMENT_BYTES: "100" });
  const { client } = await t.connect();
  const call = (message: string) => client.callTool({ name: "echo", arguments: { message } });
  assert.equal((await call("a".repeat(100))).isError, undefined);
  assert.equal((await call("€".repeat(33))).isError, undefined, "99 bytes");
  const over = await call("€".repeat(34)); // 34 characters, 102 bytes
  assert.equal(over.isError, true);
  assert.match(
    resultText(over),
    /^INVALID_ARGUMENT: .*over 100 bytes in UTF-8 \(MAX_ARGUMENT_BYTES\)/,
  );
  assert.equal((await call("😀".repeat(25))).isError, undefined, "100 bytes in surrogate pairs");
  assert.equal((await call("😀".repeat(26))).isError, true);
  // a lone surrogate goes out as U+FFFD: 3 bytes
  assert.equal((await call("\ud800".repeat(33))).isError, undefined, "99 bytes");
  assert.equal((await call("\ud800".repeat(34))).isError, true, "102 bytes");
});

Deno.test("a call to a tool that does not exist is a JSON-RPC error, and audited", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  await assert.rejects(
    client.callTool({ name: "nope", arguments: { path: "x", api_key: "s3cret" } }),
    (err: Error & { code?: number }) => {
      assert.equal(err.code, -32602);
      assert.match(err.message, /Unknown tool "nope"/);
      assert.doesNotMatch(err.message, /MCP error -32602: MCP error/, "the prefix is not doubled");
      return true;
    },
  );
  await assert.rejects(
    client.callTool({ name: 5 as unknown as string, arguments: {} }),
    (err: Error & { code?: number }) => err.code === -32602 && /must be a string/.test(err.message),
  );
  const [record, unnamed] = t.audit.records.filter((r) => r.kind === "tool_call");
  assert.equal(record?.tool, "nope");
  assert.equal(record?.error_code, "INVALID_ARGUMENT");
  assert.ok(!JSON.stringify(record).includes("s3cret"));
  assert.equal(unnamed?.tool, "(not a string)", "a call without a usable name is audited too");
  assert.equal(unnamed?.error_code, "INVALID_ARGUMENT");
  // and the connection goes on
  assert.equal(
    (await client.callTool({ name: "echo", arguments: { message: "hi" } })).isError,
    undefined,
  );
});

Deno.test("a misspelt argument is refused, naming it and the arguments the tool takes", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  await client.callTool({ name: "fs.write", arguments: { path: "a.txt", contents: "abcdef" } });
  // without the check, the read ignored "lenght" and returned the whole file
  const r = await client.callTool({ name: "fs.read", arguments: { path: "a.txt", lenght: 2 } });
  assert.equal(r.isError, true);
  assert.equal(
    resultText(r),
    'INVALID_ARGUMENT: Invalid arguments for tool fs.read: Unknown argument "lenght": ' +
      "fs.read takes path, encoding, offset, length",
  );
  const none = await client.callTool({ name: "session.info", arguments: { verbose: true } });
  assert.match(resultText(none), /Unknown argument "verbose": session.info takes no arguments$/);
  // the published schema says so, for clients that check before sending
  const { tools } = await client.listTools();
  for (const tool of tools) {
    assert.equal(tool.inputSchema.additionalProperties, false, tool.name);
  }
  const records = t.audit.records.filter((rec) => rec.kind === "tool_call");
  assert.equal(records.at(-1)?.error_code, "INVALID_ARGUMENT");
});

Deno.test("pkg.install's index_url without a scheme is refused with the form it needs", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  const r = await client.callTool({
    name: "pkg.install",
    arguments: { packages: ["six"], index_url: "pypi.org/simple" },
  });
  assert.equal(
    resultText(r),
    "INVALID_ARGUMENT: Invalid arguments for tool pkg.install: expected an absolute https URL, " +
      "like https://pypi.org/simple at index_url",
  );
});

Deno.test("a missing required argument is named as missing", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  const r = await client.callTool({ name: "fs.write", arguments: { path: "a.txt" } });
  assert.equal(
    resultText(r),
    'INVALID_ARGUMENT: Invalid arguments for tool fs.write: missing required argument "contents" ' +
      "(a string)",
  );
  const none = await client.callTool({ name: "fs.read", arguments: {} });
  assert.match(resultText(none), /missing required argument "path" \(a string\)$/);
  const install = await client.callTool({ name: "pkg.install", arguments: {} });
  assert.match(resultText(install), /missing required argument "packages" \(an array\)$/);
});
