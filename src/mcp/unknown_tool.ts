import { rpcError } from "./rpc_error.ts";
import { ErrorCode, type McpServer } from "./sdk.ts";
import { sdkRequestHandlers } from "./_request_handlers.ts";

/** Longest tool name kept in the error and the audit record. */
const MAX_NAME = 128;

/**
 * Makes a call to a tool that does not exist a JSON-RPC error (-32602), as MCP asks, after
 * `onUnknown` has audited it. The SDK answers it as a tool result without a stable code
 * and without reaching any handler of ours, so such probes left no trace. Wraps the SDK's
 * registered `tools/call` handler (a private map: a pinned SDK without it fails here).
 */
export function refuseUnknownTools(
  server: McpServer,
  known: ReadonlySet<string>,
  onUnknown: (name: string, args: Record<string, unknown>, extra: unknown) => Promise<unknown>,
): void {
  const handlers = sdkRequestHandlers(server, "unknown_tool.ts");
  const inner = handlers.get("tools/call");
  if (!inner) {
    throw new Error("The MCP SDK no longer keeps a tools/call handler; update unknown_tool.ts");
  }
  const refuse = async (name: string, args: unknown, extra: unknown) => {
    const shown = name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}...` : name;
    const record = typeof args === "object" && args !== null && !Array.isArray(args)
      ? args as Record<string, unknown>
      : {};
    await onUnknown(shown, record, extra);
    throw rpcError(ErrorCode.InvalidParams, `Unknown tool "${shown}": tools/list names them`);
  };
  // not async itself: every tool call passes through here
  handlers.set("tools/call", (request, extra) => {
    const params = (request as { params?: { name?: unknown; arguments?: unknown } }).params;
    const name = params?.name;
    if (typeof name !== "string") {
      return Promise.reject(rpcError(ErrorCode.InvalidParams, "The tool name must be a string"));
    }
    if (known.has(name)) return inner(request, extra);
    return refuse(name, params?.arguments, extra);
  });
}
