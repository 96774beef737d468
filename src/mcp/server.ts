import { getLogger, PROGRAM_NAME, VERSION } from "../core/mod.ts";
import { type Extra, refuseToolCall, runToolCall, ToolCall } from "./call.ts";
import type { ConnectionInfo, McpDeps } from "./context.ts";
import { passRefusedArguments, refusedArguments } from "./invalid_input.ts";
import { refuseInvalidParams } from "./invalid_params.ts";
import { refuseUnknownTools } from "./unknown_tool.ts";
import { ignoreTaskAugmentation } from "./task_augmentation.ts";
import { registerWorkspaceResources } from "./resources.ts";
import { answerToolListOnce } from "./tool_list.ts";
import { sharedTools } from "./tool_set.ts";
import { AjvJsonSchemaValidator, McpServer } from "./sdk.ts";
import { connectionLabel } from "./_connection_label.ts";

const log = getLogger("mcp");

const INSTRUCTIONS = "Each connection gets its own isolated workspace. Use fs.* tools for files, " +
  "run.python to execute code in a sandbox without network, pkg.install for packages, test.run for " +
  "pytest, and artifact.get to view images or other outputs. Paths are relative to the workspace.";

// The SDK builds a JSON Schema validator (an Ajv instance, about 17 KiB) for every server
// unless given one; it only checks elicitation answers, which need no per-connection state.
let validator: AjvJsonSchemaValidator | undefined;

/**
 * Builds the MCP server for one connection: every tool, workspace resources, and the
 * logging capability. All state lives in `deps`, shared by all connections.
 */
export function createMcpServer(deps: McpDeps, conn: ConnectionInfo): McpServer {
  // until the transport's close ends it (closeConnection), the connection may have a session
  deps.sessions.openConnection(conn.sessionId);
  const server = new McpServer(
    { name: PROGRAM_NAME, version: VERSION },
    {
      capabilities: { logging: {}, tools: { listChanged: false } },
      instructions: INSTRUCTIONS,
      jsonSchemaValidator: validator ??= new AjvJsonSchemaValidator(),
    },
  );
  passRefusedArguments(server);
  ignoreTaskAugmentation(server);
  const known = new Set<string>();
  // the tools' definitions and schemas are built once per config; only handlers are per connection
  for (const { def, input } of sharedTools(deps.config)) {
    known.add(def.name);
    server.registerTool(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: input,
        outputSchema: def.output,
        ...(def.annotations ? { annotations: def.annotations } : {}),
      },
      (args: Record<string, unknown>, extra) => {
        const call = new ToolCall({ deps, conn, tool: def.name, extra, server });
        const refused = refusedArguments(args);
        if (refused) return refuseToolCall(call, refused.raw, refused.message);
        return runToolCall(call, args, (c) => def.run(c, args), {
          readOnly: def.annotations?.readOnlyHint === true,
        });
      },
    );
  }
  refuseUnknownTools(server, known, (tool, args, extra, why) => {
    const call = new ToolCall({ deps, conn, tool, extra: extra as Extra, server });
    return refuseToolCall(call, args, why, { resultHidden: true });
  });
  // registering a tool declares tools.listChanged true; ours never change once registered
  server.server.registerCapabilities({ tools: { listChanged: false } });
  // every connection registers the same tools, made from the config alone
  answerToolListOnce(server, deps.config);
  registerWorkspaceResources(server, deps, conn);
  refuseInvalidParams(server);
  // The session starts with the connection (an HTTP one: at its initialize request), not
  // its first tool call or its `initialized` notification, so a connection that never calls
  // a tool, or never finishes its handshake, still expires when idle and is closed with it.
  deps.sessions.forConnection(conn.sessionId, conn.principal).catch((err) =>
    log.warn("Opening the session of {id} failed: {error}", {
      id: connectionLabel(conn.sessionId),
      error: String(err),
    })
  );
  log.debug("MCP server ready for connection {id} ({transport})", {
    id: connectionLabel(conn.sessionId),
    transport: conn.transport,
  });
  return server;
}
