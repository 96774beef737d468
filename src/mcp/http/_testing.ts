// Test helpers for this folder: a tiny MCP server with one `echo` tool, and clients.
import { z } from "zod";
import { McpServer } from "./_sdk.ts";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import type { ConnectionInfo } from "./types.ts";

export { Client, SSEClientTransport, StreamableHTTPClientTransport };

/** A server factory that records every connection it was asked to serve. */
export function echoServerFactory(): {
  infos: ConnectionInfo[];
  createServer: (info: ConnectionInfo) => McpServer;
} {
  const infos: ConnectionInfo[] = [];
  function createServer(info: ConnectionInfo): McpServer {
    infos.push(info);
    const server = new McpServer({ name: "echo-test", version: "0.0.0" });
    server.registerTool("echo", {
      description: "Returns its message",
      inputSchema: { message: z.string() },
    }, ({ message }) => ({ content: [{ type: "text", text: `${info.sessionId}:${message}` }] }));
    return server;
  }
  return { infos, createServer };
}

/** Connects a client over Streamable HTTP (`/mcp`). */
export async function connectStreamable(base: string, headers: HeadersInit = {}): Promise<{
  client: Client;
  transport: StreamableHTTPClientTransport;
}> {
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", base), {
    requestInit: { headers },
  });
  const client = new Client({ name: "test-client", version: "0.0.0" });
  await client.connect(transport);
  return { client, transport };
}

/** Connects a client over legacy HTTP+SSE (`/sse`). */
export async function connectSse(base: string, headers: HeadersInit = {}): Promise<Client> {
  const transport = new SSEClientTransport(new URL("/sse", base), { requestInit: { headers } });
  const client = new Client({ name: "test-client", version: "0.0.0" });
  await client.connect(transport);
  return client;
}

/** The text of the first content item of a tool result. */
export function firstText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content;
  const first = content?.[0];
  if (first?.type !== "text" || first.text === undefined) throw new Error("No text content");
  return first.text;
}

/** A raw initialize request body, for tests that speak HTTP directly. */
export const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "0.0.0" },
  },
});

/** Headers a Streamable HTTP POST needs. */
export const POST_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};
