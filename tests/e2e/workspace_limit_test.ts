import assert from "node:assert/strict";
import { resultText } from "../support/sdk_client.ts";
import { startTestCoordinator } from "../support/in_memory.ts";

Deno.test("MAX_WORKSPACE_BYTES is in session.info's limits, and fs.write past it is LIMIT_EXCEEDED and audited so", async () => {
  await using t = await startTestCoordinator({ MAX_WORKSPACE_BYTES: "1KiB" });
  const { client } = await t.connect();
  const info = await client.callTool({ name: "session.info", arguments: {} });
  const limits = (info.structuredContent as { limits: Record<string, number> }).limits;
  assert.equal(limits.max_workspace_bytes, 1024);

  const fits = await client.callTool({
    name: "fs.write",
    arguments: { path: "a.txt", contents: "x".repeat(1000) },
  });
  assert.equal(fits.isError, undefined, resultText(fits));
  const over = await client.callTool({
    name: "fs.write",
    arguments: { path: "b.txt", contents: "x".repeat(25) },
  });
  assert.equal(over.isError, true);
  assert.equal(
    resultText(over),
    'LIMIT_EXCEEDED: Cannot write "b.txt": the workspace would hold 1025 bytes, over its limit ' +
      "of 1024 (MAX_WORKSPACE_BYTES); delete files to make room",
  );
  const record = t.audit.records.at(-1);
  assert.equal(record?.tool, "fs.write");
  assert.equal(record?.error_code, "LIMIT_EXCEEDED");

  const deleted = await client.callTool({ name: "fs.delete", arguments: { path: "a.txt" } });
  assert.equal(deleted.isError, undefined, resultText(deleted));
  const now = await client.callTool({
    name: "fs.write",
    arguments: { path: "b.txt", contents: "x".repeat(25) },
  });
  assert.equal(now.isError, undefined, resultText(now));
});
