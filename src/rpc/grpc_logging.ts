import { setLogger } from "@grpc/grpc-js";
import { format } from "node:util";
import { getLogger } from "../core/mod.ts";

const log = getLogger("rpc", "grpc");

// grpc-js logs like console: a message and values to format into it.
function text(message: unknown, rest: unknown[]): { message: string } {
  return { message: format(message, ...rest) };
}

/**
 * Sends grpc-js's own log lines (plain `E …` text on stderr by default, e.g. a proxy it
 * cannot reach) through the project's logger, so stderr holds only JSON lines. Which lines
 * grpc-js emits is still its `GRPC_VERBOSITY` and `GRPC_TRACE`. Call at start-up.
 */
export function routeGrpcLogs(): void {
  setLogger({
    error: (message?: unknown, ...rest: unknown[]) => log.error("{message}", text(message, rest)),
    info: (message?: unknown, ...rest: unknown[]) => log.info("{message}", text(message, rest)),
    debug: (message?: unknown, ...rest: unknown[]) => log.debug("{message}", text(message, rest)),
  });
}
