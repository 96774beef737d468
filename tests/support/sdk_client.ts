/**
 * The MCP SDK's client side for tests and benchmarks, with explicit type sources (the
 * package maps `.js` subpaths to missing `.d.ts` files).
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/client/index"
export { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
export { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
export { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
export { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
export { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { CallToolResult as CallToolResultType } from "@modelcontextprotocol/sdk/types.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

/** The text blocks of a tool call's result, joined: what a user reads. */
export function resultText(result: unknown): string {
  return (result as CallToolResultType).content.map((c) => (c.type === "text" ? c.text : ""))
    .join("");
}
