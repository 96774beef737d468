/** Which subcommand to run and the arguments left for it. */
export type ParsedCommand =
  | { command: "serve"; args: string[] }
  | { command: "worker"; args: string[] }
  | { command: "permissions"; args: string[] }
  | { command: "health"; args: string[] }
  | { command: "audit-verify"; file: string }
  | { command: "version" }
  | { command: "help" }
  | { command: "error"; message: string };

/** Splits `argv` into the subcommand (default `serve`) and its arguments. */
export function parseCommand(argv: string[]): ParsedCommand {
  if (argv.includes("--version") || argv[0] === "version") return { command: "version" };
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") {
    return { command: "help" };
  }
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
      return { command: "serve", args: [] };
    case "serve":
      return { command: "serve", args: rest };
    case "worker":
      return { command: "worker", args: rest };
    case "permissions":
      return { command: "permissions", args: rest };
    case "health":
      return { command: "health", args: rest };
    case "audit": {
      if (rest[0] !== "verify" || rest.length !== 2) {
        return { command: "error", message: "usage: codegen-mcp audit verify FILE" };
      }
      return { command: "audit-verify", file: rest[1]! };
    }
    default:
      if (first.startsWith("-")) return { command: "serve", args: argv };
      return { command: "error", message: `unknown command "${first}" (try --help)` };
  }
}
