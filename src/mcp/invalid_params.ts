import { rpcError } from "./rpc_error.ts";
import { ErrorCode, type McpServer } from "./sdk.ts";
import { sdkRequestHandlers } from "./_request_handlers.ts";

interface Issue {
  path?: PropertyKey[];
  message?: string;
}

/**
 * Makes a request whose params the SDK's schema refuses (logging/setLevel with an unknown
 * level, resources/read without a uri, a cursor that is not a string, ...) a JSON-RPC
 * Invalid params error (-32602) with one line saying what is wrong. The SDK parses params
 * before the handler runs and answers a failure as an Internal error (-32603) whose text
 * is the schema library's JSON dump: to a client, a fault of the server. Wraps every
 * handler registered so far (a private map: a pinned SDK without it fails here), so call
 * it last.
 */
export function refuseInvalidParams(server: McpServer): void {
  const handlers = sdkRequestHandlers(server, "invalid_params.ts");
  for (const [method, inner] of handlers) {
    handlers.set(method, (request, extra) => {
      // the SDK's parse throws before the handler's promise exists; a handler's own
      // failures are rejections and pass through untouched
      try {
        return inner(request, extra);
      } catch (err) {
        const issues = (err as { issues?: unknown } | null)?.issues;
        if (!Array.isArray(issues)) throw err;
        return Promise.reject(
          rpcError(ErrorCode.InvalidParams, `Invalid params for ${method}: ${describe(issues)}`),
        );
      }
    });
  }
}

// "params.level: Invalid option: expected one of ..." for each issue, joined by "; "
function describe(issues: Issue[]): string {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map(String).join(".");
    return path ? `${path}: ${issue.message ?? "invalid"}` : issue.message ?? "invalid";
  }).join("; ");
}
