import assert from "node:assert/strict";
import { z } from "zod";
import { McpServer } from "../../src/mcp/sdk.ts";
import { strictInput } from "../../src/mcp/strict_input.ts";
import { ALL_TOOLS } from "../../src/mcp/mod.ts";
import type { Config } from "../../src/config/mod.ts";
import { Client, InMemoryTransport } from "../support/sdk_client.ts";
import { startTestCoordinator } from "../support/in_memory.ts";

const ANY = z.object({}).passthrough();

interface ListedTool {
  name: string;
  inputSchema: { additionalProperties?: unknown; properties?: Record<string, unknown> };
}

// The SDK's own tools/list answer for our tools, registered as createMcpServer does and
// converted by the SDK on the call, with no cache in between.
async function sdkAnswer(config: Config): Promise<string> {
  const server = new McpServer({ name: "sdk", version: "0" });
  for (const factory of ALL_TOOLS) {
    const def = factory(config);
    server.registerTool(def.name, {
      title: def.title,
      description: def.description,
      inputSchema: strictInput(def.name, def.input),
      outputSchema: def.output,
      ...(def.annotations ? { annotations: def.annotations } : {}),
    }, () => ({ content: [] }));
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
  try {
    return JSON.stringify(await client.request({ method: "tools/list", params: {} }, ANY));
  } finally {
    await client.close();
  }
}

Deno.test("tools/list answers every call and connection byte for byte as the SDK converts each tool", async () => {
  await using t = await startTestCoordinator();
  const expected = await sdkAnswer(t.config);
  const answers = [];
  for (let connection = 0; connection < 2; connection++) {
    const { client } = await t.connect();
    // the first call builds the list, the later ones reuse it
    for (let call = 0; call < 2; call++) {
      answers.push(JSON.stringify(await client.request({ method: "tools/list", params: {} }, ANY)));
    }
  }
  for (const answer of answers) assert.equal(answer, expected);
  const tools = (JSON.parse(expected) as { tools: ListedTool[] }).tools;
  assert.deepEqual(tools.map((tool) => tool.name), ALL_TOOLS.map((f) => f(t.config).name));
});

Deno.test("the cached tools/list still publishes the strict input schemas and refuses bad params", async () => {
  await using t = await startTestCoordinator();
  const { client } = await t.connect();
  await client.listTools();
  const { tools } = await client.listTools();
  assert.equal(tools.length, ALL_TOOLS.length);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.additionalProperties, false, tool.name);
  }
  const read = tools.find((tool) => tool.name === "fs.read");
  assert.deepEqual(Object.keys(read?.inputSchema.properties ?? {}), [
    "path",
    "encoding",
    "offset",
    "length",
  ]);
  const err = await client.request({ method: "tools/list", params: { cursor: {} } } as never, ANY)
    .then(() => undefined, (e: unknown) => e as { code?: number; message?: string });
  assert.equal(err?.code, -32602);
  assert.match(err?.message ?? "", /Invalid params for tools\/list: params\.cursor: /);
});
