import assert from "node:assert/strict";
import { type Config, loadConfig } from "../config/mod.ts";
import { MemorySessionStore, SessionManager } from "../session/mod.ts";
import type { McpDeps } from "./context.ts";
import type { McpServer } from "./sdk.ts";
import { createMcpServer } from "./server.ts";

interface Registered {
  inputSchema: unknown;
  outputSchema: unknown;
  description: string;
  handler: unknown;
}

function configOf(env: Record<string, string> = {}): Config {
  const loaded = loadConfig([], { WORKSPACE_ROOT: "ws", AUDIT_LOG: "audit.jsonl", ...env });
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
}

// only what building a server touches: its config, and sessions to open its connection in
function depsOf(config: Config): McpDeps {
  const sessions = new SessionManager({ store: new MemorySessionStore(), maxAgeMs: 60_000 });
  return { config, sessions } as unknown as McpDeps;
}

// the SDK's registered tools (a private field) by name
function toolsOf(server: McpServer): Record<string, Registered> {
  return (server as unknown as { _registeredTools: Record<string, Registered> })._registeredTools;
}

function validatorOf(server: McpServer): unknown {
  return (server.server as unknown as { _jsonSchemaValidator: unknown })._jsonSchemaValidator;
}

function serverFor(deps: McpDeps, sessionId: string): McpServer {
  return createMcpServer(deps, { sessionId, principal: "p", transport: "memory" });
}

Deno.test("createMcpServer: servers of one config share its tool schemas; handlers stay per connection", async () => {
  const deps = depsOf(configOf());
  const a = serverFor(deps, "conn-a");
  const b = serverFor(deps, "conn-b");
  try {
    const toolsA = toolsOf(a);
    const toolsB = toolsOf(b);
    assert.deepEqual(Object.keys(toolsB), Object.keys(toolsA));
    assert.ok(Object.keys(toolsA).length >= 13, "every tool is registered");
    for (const [name, tool] of Object.entries(toolsA)) {
      const other = toolsB[name]!;
      // built once: each server built its own were ~335 KiB of heap per connection
      assert.equal(other.inputSchema, tool.inputSchema, `${name}: one input schema`);
      assert.equal(other.outputSchema, tool.outputSchema, `${name}: one output schema`);
      // the handler closes over its own connection
      assert.notEqual(other.handler, tool.handler, `${name}: a handler per connection`);
    }
    assert.equal(validatorOf(b), validatorOf(a), "one JSON Schema validator for every server");
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("createMcpServer: a server of another config gets the tools that config makes", async () => {
  const a = serverFor(depsOf(configOf()), "conn-a");
  const b = serverFor(depsOf(configOf({ MAX_READ_BYTES: "4096" })), "conn-b");
  try {
    const readA = toolsOf(a)["fs.read"]!;
    const readB = toolsOf(b)["fs.read"]!;
    assert.notEqual(readB.inputSchema, readA.inputSchema);
    assert.match(readB.description, /At most 4096 bytes/);
    assert.doesNotMatch(readA.description, /At most 4096 bytes/);
  } finally {
    await a.close();
    await b.close();
  }
});
