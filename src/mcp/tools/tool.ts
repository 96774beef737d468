import type { z } from "zod";
import type { Config } from "../../config/mod.ts";
import type { ToolCall } from "../call.ts";
import type { ToolReply } from "../results.ts";

/** One MCP tool: its schemas (what clients see) and what it does. */
export interface ToolDefinition<
  I extends z.ZodObject = z.ZodObject,
  O extends z.ZodObject = z.ZodObject,
> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  /** Hints for clients (read-only, destructive, ...). */
  annotations?: {
    readOnlyHint?: boolean;
    destructiveHint?: boolean;
    idempotentHint?: boolean;
    openWorldHint?: boolean;
  };
  run(call: ToolCall, args: z.infer<I>): Promise<ToolReply>;
}

/** Builds a tool definition from config (schemas carry the configured size limits). */
export type ToolFactory = (config: Config) => ToolDefinition;

/** Declares a tool with its argument type inferred from the input schema. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  def: ToolDefinition<I, O>,
): ToolDefinition {
  return def as unknown as ToolDefinition;
}
