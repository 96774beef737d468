/** Which subcommand to run and the arguments left for it. */
export type ParsedCommand =
  | { command: "serve"; args: string[] }
  | { command: "worker"; args: string[] }
  | { command: "permissions"; args: string[] }
  | { command: "health"; args: string[] }
  | { command: "audit-verify"; file: string; anchors: Anchor[] }
  | { command: "version" }
  | { command: "help" }
  | { command: "error"; message: string };

/** A record's `seq` and `hash` given with `--anchor`. */
export interface Anchor {
  seq: number;
  hash: string;
}

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
    case "audit":
      return rest[0] === "verify" ? parseAuditVerify(rest.slice(1)) : AUDIT_USAGE;
    default:
      if (first.startsWith("-")) return { command: "serve", args: argv };
      return { command: "error", message: `unknown command "${first}" (try --help)` };
  }
}

const AUDIT_USAGE: ParsedCommand = {
  command: "error",
  message: "usage: codegen-mcp audit verify FILE [--anchor SEQ:HASH]...",
};
// seq 0 is the head an empty log logs when opened: only the chain's start, 64 zeros
const ANCHOR = /^(?:([1-9][0-9]*):([0-9a-f]{64})|(0):(0{64}))$/;

// FILE and any number of `--anchor SEQ:HASH` (or `--anchor=SEQ:HASH`), in any order, each
// of which the log must match
function parseAuditVerify(args: string[]): ParsedCommand {
  const files: string[] = [];
  const anchors: Anchor[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let text: string | undefined;
    if (arg === "--anchor") text = args[++i] ?? "";
    else if (arg.startsWith("--anchor=")) text = arg.slice("--anchor=".length);
    else files.push(arg);
    if (text === undefined) continue;
    const anchor = parseAnchor(text);
    if (anchor === undefined) {
      return {
        command: "error",
        message: `Cannot use --anchor "${text}": expected SEQ:HASH (a record's seq and hash)`,
      };
    }
    anchors.push(anchor);
  }
  if (files.length !== 1) return AUDIT_USAGE;
  return { command: "audit-verify", file: files[0]!, anchors };
}

function parseAnchor(text: string): Anchor | undefined {
  const match = ANCHOR.exec(text);
  const seq = Number(match?.[1] ?? match?.[3]);
  if (!match || !Number.isSafeInteger(seq)) return undefined;
  return { seq, hash: match[2] ?? match[4]! };
}
