import {
  configureSync,
  getLogger as logtapeLogger,
  jsonLinesFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
  resetSync,
} from "@logtape/logtape";

/** Log levels the `LOG_LEVEL` variable accepts. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** One of {@link LOG_LEVELS}. */
export type Level = typeof LOG_LEVELS[number];

export type { Logger };

const ROOT = "codegen";
const encoder = new TextEncoder();

// Synchronous so nothing is lost when the process exits right after logging, and stderr
// only: in stdio mode stdout carries the protocol.
function stderrSink(record: LogRecord): void {
  const bytes = encoder.encode(jsonLinesFormatter(record));
  let written = 0;
  while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
}

/** Sends structured JSON-lines logs at `level` and above to stderr. Call once at start-up. */
export function configureLogging(level: Level): void {
  const lowestLevel: LogLevel = level === "warn" ? "warning" : level;
  configureSync({
    reset: true,
    sinks: { stderr: stderrSink },
    loggers: [
      { category: [ROOT], lowestLevel, sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

/** Stops logging (tests that configure it reset afterwards). */
export function resetLogging(): void {
  resetSync();
}

/** A logger for one module, e.g. `getLogger("mcp")` → category `codegen.mcp`. */
export function getLogger(...category: string[]): Logger {
  return logtapeLogger([ROOT, ...category]);
}
