import { rpcError } from "./rpc_error.ts";
import { ErrorCode, type McpServer } from "./sdk.ts";
import { sdkRequestHandlers } from "./_request_handlers.ts";

/** Longest tool name kept in the error and the audit record. */
const MAX_NAME = 128;

/**
 * Makes a call to a tool that does not exist a JSON-RPC error (-32602), as MCP asks, after
 * `onRefused` has audited it; so too a call whose name is not a string or whose
 * `arguments` is not an object, which the SDK's schema refuses before any handler of ours
 * runs. Such probes left no trace. Wraps the SDK's registered `tools/call` handler (a
 * private map: a pinned SDK without it fails here).
 */
export function refuseUnknownTools(
  server: McpServer,
  known: ReadonlySet<string>,
  onRefused: (
    name: string,
    args: Record<string, unknown>,
    extra: unknown,
    why: string,
  ) => Promise<unknown>,
): void {
  const handlers = sdkRequestHandlers(server, "unknown_tool.ts");
  const inner = handlers.get("tools/call");
  if (!inner) {
    throw new Error("The MCP SDK no longer keeps a tools/call handler; update unknown_tool.ts");
  }
  const refuse = async (
    name: string,
    args: Record<string, unknown>,
    extra: unknown,
    why: string,
  ) => {
    await onRefused(name, args, extra, why);
    throw rpcError(ErrorCode.InvalidParams, why);
  };
  // not async itself: every tool call passes through here
  handlers.set("tools/call", (request, extra) => {
    const params = (request as { params?: { name?: unknown; arguments?: unknown } }).params;
    const name = params?.name;
    const args = params?.arguments;
    if (typeof name !== "string") {
      const record = args === undefined ? {} : { arguments: args };
      return refuse("(not a string)", record, extra, "The tool name must be a string");
    }
    const shown = name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}...` : name;
    const isObject = typeof args === "object" && args !== null && !Array.isArray(args);
    if (!known.has(name)) {
      const record = isObject ? args as Record<string, unknown> : {};
      return refuse(shown, record, extra, `Unknown tool "${shown}": tools/list names them`);
    }
    if (args !== undefined && !isObject) {
      const why = "Invalid params for tools/call: params.arguments: expected an object, not " +
        (Array.isArray(args) ? "a list" : args === null ? "null" : `a ${typeof args}`);
      return refuse(shown, { arguments: args }, extra, why);
    }
    return inner(request, extra);
  });
}
