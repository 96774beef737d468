import { z } from "zod";
import type { Config } from "../../config/mod.ts";

/**
 * A workspace-relative path argument. Its length and shape are left to the path validator,
 * so an over-long or empty path is refused as PATH_VIOLATION like any other bad path.
 */
export function pathArg(
  config: Config,
  what = "Path relative to the session workspace",
): z.ZodString {
  return z.string().describe(`${what} (at most ${config.limits.maxPathBytes} bytes)`);
}

/** A bulky string argument (code, contents) bounded by the configured size. */
export function bulkArg(config: Config, what: string): z.ZodString {
  return z.string().max(config.limits.maxArgumentBytes).describe(what);
}

/** `async: true` runs the tool in the background and returns a task id at once. */
export const asyncArg = z.boolean().optional().describe(
  "Return a task_id at once and run in the background; poll with task.status / task.result",
);

/** Extra output fields present when a call ran asynchronously. */
export const asyncOutput = {
  task_id: z.string().optional().describe("Set when async: true; use task.status / task.result"),
  status: z.string().optional().describe("Task status when async: true"),
};
