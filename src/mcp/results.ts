import type { CodegenError } from "../core/mod.ts";
import type { CallToolResult } from "./sdk.ts";

/** What a tool handler produces when it ran. */
export interface ToolReply {
  /** Matches the tool's outputSchema. */
  structured: Record<string, unknown>;
  /**
   * Human-readable text block (defaults to the JSON of `structured`). A function is called
   * each time the text is needed: a text made of the structured fields (a run's output) is
   * then not kept twice by a background task waiting for task.result.
   */
  text?: string | (() => string);
  /** Replaces the default single text block (e.g. image content for artifact.get). */
  content?: CallToolResult["content"];
  /** The tool ran but failed (non-zero exit, timeout): `isError` with the full result. */
  isError?: boolean;
  /** With `isError`: the stable code the failure's text starts with, for the audit record. */
  errorCode?: string;
}

/** A stable code at the start of a failure's text: `EXIT_CODE: ...` → EXIT_CODE. */
export const STABLE_CODE = /^([A-Z][A-Z_]{2,40}):/;

/** A call's outcome before it becomes an MCP result, with the notes shown with it. */
export type CallAnswer =
  | { reply: ToolReply; notes?: string }
  | { error: CodegenError; notes?: string };

/** Whether the call failed: it could not run, or it ran and failed. */
export function answerFailed(answer: CallAnswer): boolean {
  return "error" in answer || answer.reply.isError === true;
}

/** The MCP result of an answer, its text built now. */
export function answerToResult(answer: CallAnswer): CallToolResult {
  const result = "error" in answer ? errorResult(answer.error) : replyToResult(answer.reply);
  return withNotice(result, answer.notes);
}

/** The reply's text block. */
export function replyText(reply: ToolReply): string {
  const { text } = reply;
  return typeof text === "function" ? text() : text ?? JSON.stringify(reply.structured);
}

/** Turns a reply into the MCP result: structured content plus a text block. */
export function replyToResult(reply: ToolReply): CallToolResult {
  const text = replyText(reply);
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

/**
 * Adds `notice` to a result. A success gets it before its text; an error keeps its text
 * (which starts with the stable code) first and gets the notice as a second text block.
 */
function withNotice(result: CallToolResult, notice: string | undefined): CallToolResult {
  if (!notice) return result;
  if (result.isError) {
    return { ...result, content: [...result.content, { type: "text", text: notice }] };
  }
  const [first, ...rest] = result.content;
  if (first?.type !== "text") {
    return { ...result, content: [{ type: "text", text: notice }, ...result.content] };
  }
  return { ...result, content: [{ ...first, text: `${notice}\n${first.text}` }, ...rest] };
}
