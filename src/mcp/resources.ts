import { CodegenError } from "../core/mod.ts";
import { checkListAfter } from "../policy/mod.ts";
import { type Extra, refuseToolCall, runToolCall, ToolCall, unwrap } from "./call.ts";
import type { ConnectionInfo, McpDeps } from "./context.ts";
import { filePage, type ListDirectory } from "./resource_pages.ts";
import { rpcError } from "./rpc_error.ts";
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  type McpServer,
  ReadResourceRequestSchema,
} from "./sdk.ts";

const SCHEME = "workspace:///";
const TEMPLATE = "workspace:///{path}";
/** Files per resources/list page. */
const PAGE_SIZE = 1000;
/** fs.list calls per page (a directory entered, or one listed on past its cap). */
const MAX_LISTS = 100;
/**
 * Answers for a directory (listed in an earlier page, or named in the cursor) that is gone,
 * no longer a directory (INVALID_ARGUMENT) or now a symlink (PATH_VIOLATION): skipped.
 */
const GONE = new Set(["NOT_FOUND", "INVALID_ARGUMENT", "PATH_VIOLATION"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

// The cursor is the last path a page walked past, opaque to clients.
function toCursor(path: string): string {
  return encoder.encode(path).toBase64({ alphabet: "base64url", omitPadding: true });
}

// Each part of a cursor is a name a listing gave, so a part no directory can hold means a
// made-up cursor, refused here: a bad name would reach the worker as fs.list's `after`, and
// its INVALID_ARGUMENT would read as a directory gone (GONE), ending the listing silently.
function fromCursor(cursor: string, maxBytes: number): string {
  let path: string;
  try {
    path = decoder.decode(Uint8Array.fromBase64(cursor, { alphabet: "base64url" }));
  } catch {
    throw invalidCursor();
  }
  const parts = path.split("/");
  if (parts.at(-1) === "") parts.pop(); // "dir/": resume at the directory's first entry
  const named = (part: string) =>
    part !== "." && part !== ".." && checkListAfter(part, maxBytes) === undefined;
  if (!parts.every(named)) throw invalidCursor();
  return path;
}

function invalidCursor(): Error {
  return rpcError(ErrorCode.InvalidParams, "Invalid cursor: pass back a nextCursor as given");
}

function toUri(path: string): string {
  return SCHEME + path.split("/").map(encodeURIComponent).join("/");
}

function fromUri(uri: string): string {
  if (!uri.startsWith(SCHEME)) {
    const detail = `workspace files are ${SCHEME}{path}, as resources/list names them`;
    throw rpcError(ErrorCode.InvalidParams, `Unknown resource "${uri}": ${detail}`);
  }
  try {
    // the whole path may be one encoded segment (a/b → a%2Fb) or several
    return uri.slice(SCHEME.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    throw rpcError(ErrorCode.InvalidParams, `Malformed resource URI "${uri}"`);
  }
}

/**
 * Workspace files as MCP resources: `resources/list` (1,000 files a page, with a cursor),
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

  s.setRequestHandler(ListResourcesRequestSchema, async (req, extra) => {
    const cursor = req.params?.cursor;
    const after = cursor === undefined
      ? undefined
      : fromCursor(cursor, deps.config.limits.maxPathBytes);
    return await audited(call("resources/list", extra), after ? { after } : {}, async (c) => {
      const list: ListDirectory = async (dir, { after, limit }) => {
        const args = after === undefined ? { path: dir, limit } : { path: dir, after, limit };
        const outcome = await c.execute({ tool: "fs.list", args });
        // gone or replaced since the directory above was listed: skip it
        if (!outcome.ok && GONE.has(outcome.error.code)) return null;
        const { entries, truncated, next_after } = unwrap(outcome).result;
        return { entries, more: truncated, next: next_after };
      };
      const page = await filePage(list, { after, pageSize: PAGE_SIZE, maxLists: MAX_LISTS });
      return {
        resources: page.files.map((e) => ({
          uri: toUri(e.path),
          name: e.path,
          size: e.size_bytes,
        })),
        ...(page.next === undefined ? {} : { nextCursor: toCursor(page.next) }),
      };
    });
  });

  s.setRequestHandler(ReadResourceRequestSchema, async (req, extra) => {
    const c = call("resources/read", extra);
    let path: string;
    try {
      path = fromUri(req.params.uri);
    } catch (err) {
      // a URI outside the workspace is refused before any read, and recorded all the same
      await refuseToolCall(c, { uri: req.params.uri }, (err as Error).message, {
        resultHidden: true,
      });
      throw err;
    }
    const r = await audited(c, { path }, async (c) => {
      const result = unwrap(await c.execute({ tool: "artifact.get", args: { path } })).result;
      c.bytesOut = result.size_bytes;
      return result;
    });
    const content = r.encoding === "text"
      ? { uri: req.params.uri, mimeType: r.mime_type, text: r.data }
      : { uri: req.params.uri, mimeType: r.mime_type, blob: r.data };
    return { contents: [content] };
  });
}

/**
 * Runs a resources request through the audited path the tools take (one record per
 * request, path violations denied), then answers as JSON-RPC: the value, or an error
 * with the stable code in its message (NOT_FOUND as -32002, as MCP asks).
 */
async function audited<T>(
  call: ToolCall,
  args: Record<string, unknown>,
  run: (call: ToolCall) => Promise<T>,
): Promise<T> {
  let value: T | undefined;
  let failure: CodegenError | undefined;
  const result = await runToolCall(call, args, async (c) => {
    try {
      value = await run(c);
    } catch (err) {
      failure = CodegenError.from(err);
      throw failure;
    }
    return { structured: {} };
  }, { readOnly: true, resultHidden: true });
  if (!result.isError && value !== undefined) return value;
  const text = result.content.map((b) => (b.type === "text" ? b.text : "")).join("\n");
  const code = failure?.code === "NOT_FOUND"
    ? -32002
    : failure
    ? ErrorCode.InvalidParams
    : ErrorCode.InternalError;
  throw rpcError(code, text);
}
