import type { z } from "zod";
import type { Config } from "../config/mod.ts";
import { strictInput } from "./strict_input.ts";
import { ALL_TOOLS, type ToolDefinition } from "./tools/mod.ts";

/** One tool as every connection's server registers it. */
export interface SharedTool {
  readonly def: ToolDefinition;
  /** `def.input`, refusing argument names it does not know (see strictInput). */
  readonly input: z.ZodObject;
}

const BUILT = new WeakMap<Config, readonly SharedTool[]>();

/**
 * Every tool, built once per config and shared by the servers of all connections. Built
 * per connection, their zod schemas were most of an idle HTTP session's heap (about 335 of
 * 366 KiB), though they depend on the config alone. Sharing is safe: zod schemas are never
 * changed once built (their methods return new ones), and a definition keeps no state of
 * any one connection (a call's lives in its ToolCall; a queue of in-order runs is keyed by
 * connection and forgets a connection once its runs end).
 */
export function sharedTools(config: Config): readonly SharedTool[] {
  let tools = BUILT.get(config);
  if (tools === undefined) {
    tools = Object.freeze(ALL_TOOLS.map((factory) => {
      const def = factory(config);
      return Object.freeze({ def, input: strictInput(def.name, def.input) });
    }));
    BUILT.set(config, tools);
  }
  return tools;
}
