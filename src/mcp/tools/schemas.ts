import { z } from "zod";
import { utf8Length } from "../../core/mod.ts";
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

/**
 * A bulky string argument (code, contents) bounded by the configured size in UTF-8 bytes.
 * `max` (UTF-16 units, never more than the bytes) goes into the published schema; the
 * byte count is only worked out when the string could be over.
 */
export function bulkArg(config: Config, what: string): z.ZodString {
  const max = config.limits.maxArgumentBytes;
  return z.string().max(max).refine(
    (s) => s.length * 3 <= max || utf8Length(s) <= max,
    `over ${max} bytes in UTF-8 (MAX_ARGUMENT_BYTES)`,
  ).describe(what);
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
