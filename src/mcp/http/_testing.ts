// Test helpers for this folder: a tiny MCP server with one `echo` tool, and clients.
import { z } from "zod";
import { McpServer } from "../sdk.ts";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import type { ConnectionInfo, HttpServerOptions } from "./types.ts";

export { Client, SSEClientTransport, StreamableHTTPClientTransport };

/** A server factory that records every connection it was asked to serve. */
export function echoServerFactory(): {
  infos: ConnectionInfo[];
  servers: McpServer[];
  createServer: (info: ConnectionInfo) => McpServer;
} {
  const infos: ConnectionInfo[] = [];
  const servers: McpServer[] = [];
  function createServer(info: ConnectionInfo): McpServer {
    infos.push(info);
    const server = new McpServer({ name: "echo-test", version: "0.0.0" });
    servers.push(server);
    server.registerTool("echo", {
      description: "Returns its message",
      inputSchema: { message: z.string() },
    }, ({ message }) => ({ content: [{ type: "text", text: `${info.sessionId}:${message}` }] }));
    return server;
  }
  return { infos, servers, createServer };
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

/** Options for a test server on 127.0.0.1 (a free port) serving the echo server. */
export function serverOptions(overrides: Partial<HttpServerOptions> = {}): HttpServerOptions {
  return {
    host: "127.0.0.1",
    port: 0,
    allowedHosts: [],
    maxRequestBytes: 64 * 1024,
    createServer: echoServerFactory().createServer,
    ...overrides,
  };
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

/**
 * Initializes a Streamable HTTP session at protocol `version` (raw fetch, no client); the
 * headers its later POSTs need. The `initialized` notification is the caller's to send.
 */
export async function openRawSession(
  url: string,
  version: string,
): Promise<Record<string, string>> {
  const init = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: POST_HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: version,
        capabilities: {},
        clientInfo: { name: "t", version: "0" },
      },
    }),
  });
  await init.body?.cancel();
  return {
    ...POST_HEADERS,
    "mcp-session-id": init.headers.get("mcp-session-id")!,
    "mcp-protocol-version": version,
  };
}

/** Records `onSessionClosed` calls and lets a test await them without polling. */
export function sessionClosures(): {
  ids: string[];
  onSessionClosed: (id: string) => void;
  /** Resolves once `count` sessions have closed; rejects after `ms` milliseconds. */
  waitFor(count: number, ms?: number): Promise<void>;
} {
  const ids: string[] = [];
  let wake: (() => void) | undefined;
  function onSessionClosed(id: string): void {
    ids.push(id);
    wake?.();
  }
  async function waitFor(count: number, ms = 5_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${count} sessions did not close`)), ms);
    });
    try {
      while (ids.length < count) {
        await Promise.race([new Promise<void>((resolve) => wake = resolve), timeout]);
      }
    } finally {
      clearTimeout(timer);
      wake = undefined;
    }
  }
  return { ids, onSessionClosed, waitFor };
}

/**
 * Sends `head` (request line and headers, no final blank line) and `body` over a raw TCP
 * connection, since fetch will not send a forged `Host`; returns the status code.
 */
export async function rawStatus(port: number, head: string, body = ""): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const text = `${head}\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    await conn.write(new TextEncoder().encode(text));
    const buffer = new Uint8Array(512);
    let received = "";
    for (let i = 0; i < 100 && !received.includes("\r\n"); i++) {
      const n = await conn.read(buffer);
      if (n === null) break;
      received += new TextDecoder().decode(buffer.subarray(0, n));
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1];
    if (status === undefined) throw new Error(`No status line in ${JSON.stringify(received)}`);
    return Number(status);
  } finally {
    conn.close();
  }
}

/** Reads SSE text from `reader` until it contains `needle` (bounded). */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  needle: string,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for (let i = 0; i < 50 && !text.includes(needle); i++) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}
