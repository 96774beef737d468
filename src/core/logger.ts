import {
  configureSync,
  getLogger as logtapeLogger,
  jsonLinesFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
  resetSync,
} from "@logtape/logtape";
import { fstatSync } from "node:fs";
import { StderrQueue } from "./stderr_queue.ts";

/** Log levels the `LOG_LEVEL` variable accepts. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** One of {@link LOG_LEVELS}. */
export type Level = typeof LOG_LEVELS[number];

export type { Logger };

const ROOT = "codegen";
const encoder = new TextEncoder();

// A line goes to stderr only: in stdio mode stdout carries the protocol. To a pipe or a
// socket it is queued (see stderr_queue.ts), as its reader may stop reading; to a terminal
// or a file it is written at once, which cannot wait for long.
function stderrSink(queue: StderrQueue | undefined): (record: LogRecord) => void {
  return (record) => {
    const line = jsonLinesFormatter(record);
    if (queue) return queue.push(line);
    const bytes = encoder.encode(line);
    let written = 0;
    while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
  };
}

let queue: StderrQueue | undefined;

// What a reader that fell behind is told about the lines it missed.
function droppedLine(count: number): string {
  return jsonLinesFormatter({
    category: [ROOT, "log"],
    level: "warning",
    message: [`Dropped ${count} log line(s): stderr was not read`],
    rawMessage: "Dropped {count} log line(s): stderr was not read",
    timestamp: Date.now(),
    properties: { count },
  });
}

/** Whether stderr is a pipe or a socket, whose reader may stop reading. */
export function stderrIsPipe(): boolean {
  try {
    const stat = fstatSync(2);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

/**
 * Sends structured JSON-lines logs at `level` and above to stderr. Call once at start-up
 * (in each thread that logs), and {@link flushLogs} before the process exits.
 */
export function configureLogging(level: Level): void {
  const lowestLevel: LogLevel = level === "warn" ? "warning" : level;
  queue = stderrIsPipe() ? new StderrQueue(Deno.stderr, { droppedLine }) : undefined;
  configureSync({
    reset: true,
    sinks: { stderr: stderrSink(queue) },
    loggers: [
      { category: [ROOT], lowestLevel, sinks: ["stderr"] },
      // the audit log's chain head on open and close: an anchor kept outside the file, which
      // must not depend on how much else is logged
      {
        category: [ROOT, "audit", "anchor"],
        lowestLevel: "info",
        sinks: ["stderr"],
        parentSinks: "override",
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

/** Resolves once the log lines queued for stderr are written, or after `ms`. */
export async function flushLogs(ms: number): Promise<void> {
  await queue?.flush(ms);
}

/** Stops logging (tests that configure it reset afterwards). */
export function resetLogging(): void {
  resetSync();
}

/** A logger for one module, e.g. `getLogger("mcp")` → category `codegen.mcp`. */
export function getLogger(...category: string[]): Logger {
  return logtapeLogger([ROOT, ...category]);
}
