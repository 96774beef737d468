import type { CodegenError } from "../core/mod.ts";
import type { CallToolResult } from "./sdk.ts";

/** What a tool handler produces when it ran. */
export interface ToolReply {
  /** Matches the tool's outputSchema. */
  structured: Record<string, unknown>;
  /** Human-readable text block (defaults to the JSON of `structured`). */
  text?: string;
  /** Replaces the default single text block (e.g. image content for artifact.get). */
  content?: CallToolResult["content"];
  /** The tool ran but failed (non-zero exit, timeout): `isError` with the full result. */
  isError?: boolean;
}

/** Turns a reply into the MCP result: structured content plus a text block. */
export function replyToResult(reply: ToolReply): CallToolResult {
  const text = reply.text ?? JSON.stringify(reply.structured);
  return {
    content: reply.content ?? [{ type: "text", text }],
    structuredContent: reply.structured,
    ...(reply.isError ? { isError: true } : {}),
  };
}

/**
 * A call that could not run: text starts with the stable code; no structured content
 * (clients validate it against the output schema). `_meta` carries the code and whether a
 * retry may succeed.
 */
export function errorResult(err: CodegenError): CallToolResult {
  const retry = err.retriable ? " (retriable)" : "";
  return {
    content: [{ type: "text", text: `${err.code}: ${err.message}${retry}` }],
    isError: true,
    _meta: { "codegen-mcp/error": { code: err.code, retriable: err.retriable } },
  };
}
