/** The program's version, printed by `--version` and sent to workers and clients. */
export const VERSION = "0.1.0";

/** The program's name as MCP clients see it. */
export const PROGRAM_NAME = "codegen-mcp";
