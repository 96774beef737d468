/**
 * codegen-mcp: the composition root. Parses the command line, builds the modules for the
 * chosen subcommand, starts them, and closes them in reverse order on a signal.
 * @module
 */
import { parseCommand } from "./src/config/mod.ts";
import { VERSION } from "./src/core/mod.ts";

const encoder = new TextEncoder();

function write(stream: typeof Deno.stdout | typeof Deno.stderr, text: string): void {
  stream.writeSync(encoder.encode(text + "\n"));
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv);
  switch (parsed.command) {
    case "version":
      write(Deno.stdout, `codegen-mcp ${VERSION}`);
      return 0;
    case "error":
      write(Deno.stderr, `codegen-mcp: ${parsed.message}`);
      return 2;
    default:
      await Promise.resolve();
      write(Deno.stderr, `codegen-mcp: ${parsed.command} is not wired yet`);
      return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
