import { CodegenError } from "../core/mod.ts";
import { type Extra, ToolCall, unwrap } from "./call.ts";
import type { ConnectionInfo, McpDeps } from "./context.ts";
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  type McpServer,
  ReadResourceRequestSchema,
} from "./sdk.ts";

const SCHEME = "workspace:///";
const TEMPLATE = "workspace:///{path}";
const MAX_LISTED = 1000;

function toUri(path: string): string {
  return SCHEME + path.split("/").map(encodeURIComponent).join("/");
}

function fromUri(uri: string): string {
  if (!uri.startsWith(SCHEME)) {
    throw new McpError(ErrorCode.InvalidParams, `Unknown resource "${uri}"`);
  }
  try {
    // the whole path may be one encoded segment (a/b → a%2Fb) or several
    return uri.slice(SCHEME.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    throw new McpError(ErrorCode.InvalidParams, `Malformed resource URI "${uri}"`);
  }
}

/**
 * Workspace files as MCP resources: `resources/list` (up to 1,000 files),
 * `resources/templates/list` (`workspace:///{path}`), and `resources/read`. Reads go through
 * the same worker tasks, path checks and audit log as the file tools.
 */
export function registerWorkspaceResources(
  server: McpServer,
  deps: McpDeps,
  conn: ConnectionInfo,
): void {
  const s = server.server;
  s.registerCapabilities({ resources: { listChanged: false } });
  const call = (tool: string, extra: Extra) => new ToolCall({ deps, conn, tool, extra, server });

  s.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [{
      uriTemplate: TEMPLATE,
      name: "workspace-file",
      title: "Workspace file",
      description: "A file in this session's workspace; path is relative to the workspace root",
    }],
  }));

  s.setRequestHandler(ListResourcesRequestSchema, async (_req, extra) => {
    const c = call("resources/list", extra);
    const listed = unwrap(await c.execute({ tool: "fs.list", args: { recursive: true } })).result;
    const files = listed.entries.filter((e) => !e.is_directory).slice(0, MAX_LISTED);
    return {
      resources: files.map((e) => ({ uri: toUri(e.path), name: e.path, size: e.size_bytes })),
    };
  });

  s.setRequestHandler(ReadResourceRequestSchema, async (req, extra) => {
    const path = fromUri(req.params.uri);
    const c = call("resources/read", extra);
    const outcome = await c.execute({ tool: "artifact.get", args: { path } });
    if (!outcome.ok) {
      const e = new CodegenError(outcome.error.code, outcome.error.message);
      const code = e.code === "NOT_FOUND" ? -32002 : ErrorCode.InvalidParams;
      throw new McpError(code, e.toString());
    }
    const r = outcome.result;
    const content = r.encoding === "text"
      ? { uri: req.params.uri, mimeType: r.mime_type, text: r.data }
      : { uri: req.params.uri, mimeType: r.mime_type, blob: r.data };
    return { contents: [content] };
  });
}
