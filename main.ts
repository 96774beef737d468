/**
 * codegen-mcp: the composition root. Parses the command line and runs the chosen
 * subcommand; src/app builds the modules and closes them in reverse order on a signal.
 * @module
 */
import { runHealthCheck, runPermissions, runServe, runWorker } from "./src/app/mod.ts";
import { runAuditVerify } from "./src/audit/mod.ts";
import {
  loadConfig,
  loadWorkerConfig,
  parseCommand,
  readEnv,
  startupFailure,
} from "./src/config/mod.ts";
import { configureLogging, flushLogs, VERSION } from "./src/core/mod.ts";

const encoder = new TextEncoder();
// Log lines queued for a piped stderr go out before the process ends, or before a line that
// follows them; bounded, so a reader that stopped reading does not hold the exit.
const LOG_FLUSH_MS = 2_000;

function say(stream: typeof Deno.stdout | typeof Deno.stderr, text: string): void {
  stream.writeSync(encoder.encode(text + "\n"));
}

const HELP =
  `codegen-mcp ${VERSION}: MCP server that runs Python and edits files in isolated workspaces

Usage:
  codegen-mcp [serve] [--transport stdio|http] [--host H] [--port P] [--grpc-port P]
                      [--local-workers N] [--workspace-root DIR] [--audit-log FILE]
                      [--redis-url URL] [--admin-port P] [--allowed-host NAME]
                      [--insecure-no-sandbox] [--debug]
  codegen-mcp worker --coordinator HOST:PORT [--listen HOST:PORT] [--advertise HOST:PORT]
                     [--worker-id ID] [--max-sessions N] [--workspace-root DIR]
                     [--admin-port P] [--insecure-no-sandbox] [--debug]
  codegen-mcp permissions [--json] [--set NAME]
  codegen-mcp audit verify FILE [--anchor SEQ:HASH]...
  codegen-mcp health [--url http://127.0.0.1:8080/healthz] [--timeout MS]
  codegen-mcp --version | --help

serve and worker also take --tls-cert FILE --tls-key FILE [--tls-ca FILE]: TLS on the gRPC
connections, mutual TLS when a CA is given.

Environment variables are listed in the README (LOG_LEVEL, SESSION_MAX_AGE, ...).`;

// A configuration fault found while starting (a taken port, an unusable path) gets one line
// and exit 2 like a bad value; anything else is a bug and keeps its stack trace.
async function start(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    const line = startupFailure(err);
    if (line === undefined) throw err;
    await flushLogs(LOG_FLUSH_MS);
    say(Deno.stderr, `codegen-mcp: ${line}`);
    return 2;
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv);
  switch (parsed.command) {
    case "version":
      say(Deno.stdout, `codegen-mcp ${VERSION}`);
      return 0;
    case "help":
      say(Deno.stdout, HELP);
      return 0;
    case "error":
      say(Deno.stderr, `codegen-mcp: ${parsed.message}`);
      return 2;
    case "health": {
      const { exitCode, message } = await runHealthCheck(parsed.args);
      if (exitCode !== 0) say(Deno.stderr, `codegen-mcp: ${message}`);
      return exitCode;
    }
    case "audit-verify": {
      const { exitCode, message } = await runAuditVerify(
        parsed.file,
        { anchors: parsed.anchors },
      );
      say(exitCode === 0 ? Deno.stdout : Deno.stderr, message);
      return exitCode;
    }
    case "serve": {
      const loaded = loadConfig(parsed.args, readEnv());
      if (!loaded.ok) {
        say(Deno.stderr, `codegen-mcp: ${loaded.message}`);
        return 2;
      }
      configureLogging(loaded.config.logLevel);
      return await start(() => runServe(loaded.config));
    }
    case "worker": {
      const loaded = loadWorkerConfig(parsed.args, readEnv());
      if (!loaded.ok) {
        say(Deno.stderr, `codegen-mcp: ${loaded.message}`);
        return 2;
      }
      configureLogging(loaded.config.logLevel);
      return await start(() => runWorker(loaded.config));
    }
    case "permissions": {
      const { exitCode, output } = await runPermissions(parsed.args);
      say(
        exitCode === 2 ? Deno.stderr : Deno.stdout,
        exitCode === 2 ? `codegen-mcp: ${output}` : output,
      );
      return exitCode;
    }
  }
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } finally {
    await flushLogs(LOG_FLUSH_MS); // a bug's stack trace then follows what was logged
  }
  Deno.exit(code);
}
