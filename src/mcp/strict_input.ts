import { z } from "zod";

/**
 * A tool's input schema that refuses argument names it does not know, naming them and the
 * ones it takes. A misspelt optional argument (`lenght`, `create_dir`, `timeout`) would
 * otherwise be dropped without a word and the call run with the default. The published
 * schema says so too (`additionalProperties: false`).
 */
export function strictInput(tool: string, input: z.ZodObject): z.ZodObject {
  const known = Object.keys(input.shape);
  const takes = known.length === 0 ? "no arguments" : known.join(", ");
  return z.strictObject(input.shape, {
    error(issue) {
      if (issue.code !== "unrecognized_keys") return undefined;
      const names = issue.keys.map((k) => JSON.stringify(k)).join(", ");
      const noun = issue.keys.length === 1 ? "argument" : "arguments";
      return `Unknown ${noun} ${names}: ${tool} takes ${takes}`;
    },
  });
}
