import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import { bulkArg } from "./schemas.ts";
import { defineTool, type ToolDefinition } from "./tool.ts";

/** `echo`: returns the message; proves the round trip works. */
export function echoTool(config: Config): ToolDefinition {
  return defineTool({
    name: "echo",
    title: "Echo",
    description: "Echo a message back unchanged (a connectivity check).",
    input: z.object({ message: bulkArg(config, "The message to echo") }),
    output: z.object({ message: z.string() }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    run(_call, args) {
      return Promise.resolve({ structured: { message: args.message }, text: args.message });
    },
  });
}
