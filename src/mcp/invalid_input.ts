import type { McpServer } from "./sdk.ts";

const INVALID = Symbol("invalid tool arguments");

// zod's words for an absent required field; said plainly instead
const MISSING = /Invalid input: expected (\w+), received undefined at ([\w.]+)/g;

/** Arguments the input schema refused, as the tool handler then receives them. */
interface InvalidArguments {
  [INVALID]: { message: string; raw: Record<string, unknown> };
}

type Validate = (tool: unknown, args: unknown, name: string) => Promise<unknown>;

/**
 * Lets refused arguments reach the tool handler. The SDK checks a call's arguments against
 * the input schema before any handler runs and answers a failure itself: no audit record,
 * and no stable code in the text. With this, the handler gets a marked value instead
 * (see {@link refusedArguments}) and answers INVALID_ARGUMENT through the audited path.
 * The SDK method is private: a pinned SDK that lacks it fails here, at start-up.
 */
export function passRefusedArguments(server: McpServer): void {
  const target = server as unknown as { validateToolInput?: Validate };
  const validate = target.validateToolInput;
  if (typeof validate !== "function") {
    throw new Error(
      "The MCP SDK no longer has McpServer.validateToolInput; update invalid_input.ts",
    );
  }
  // no async wrapper of its own: this runs on every tool call
  target.validateToolInput = (tool, args, name) =>
    validate.call(server, tool, args, name).catch((err: unknown) => {
      const message = (err instanceof Error ? err.message : String(err))
        .replace(/^MCP error -?\d+: /, "")
        .replace(/^Input validation error: /, "")
        .replaceAll(
          MISSING,
          (_, type: string, name: string) =>
            `missing required argument "${name}" (${/^[aeiou]/.test(type) ? "an" : "a"} ${type})`,
        );
      const raw = isRecord(args) ? args : {};
      return { [INVALID]: { message, raw } } satisfies InvalidArguments;
    });
}

/** What the schema refused in `args`, or undefined for arguments that passed. */
export function refusedArguments(
  args: unknown,
): { message: string; raw: Record<string, unknown> } | undefined {
  return isRecord(args) && INVALID in args ? (args as InvalidArguments)[INVALID] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
