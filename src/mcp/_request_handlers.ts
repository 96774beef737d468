import type { McpServer } from "./sdk.ts";

/** A request handler as the SDK keeps it. */
export type RequestHandler = (request: unknown, extra: unknown) => Promise<unknown>;

/**
 * The SDK's map of request handlers by method: private, so the SDK is pinned and a version
 * without it fails here, at start-up, naming `caller`.
 */
export function sdkRequestHandlers(server: McpServer, caller: string): Map<string, RequestHandler> {
  const handlers = (server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) {
    throw new Error(`The MCP SDK no longer keeps its request handlers; update ${caller}`);
  }
  return handlers as Map<string, RequestHandler>;
}
