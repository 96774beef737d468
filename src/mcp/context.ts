import type { AuditSink } from "../audit/mod.ts";
import type { Config } from "../config/mod.ts";
import type { Clock } from "../core/mod.ts";
import type { InFlight, KillReason } from "../observability/mod.ts";
import type { Router } from "../router/mod.ts";
import type { SessionManager } from "../session/mod.ts";
import type { ArgumentBudget } from "./argument_budget.ts";
import type { AsyncTasks } from "./async_tasks.ts";
import type { ByteSink } from "../core/mod.ts";

/** Which client connection a server instance serves. */
export interface ConnectionInfo {
  /** Transport-level session id (MCP session id; a fresh id for a stdio connection). */
  sessionId: string;
  /** Who is calling: bearer fingerprint, peer address, or the local stdio user. */
  principal: string;
  transport: "stdio" | "streamable-http" | "sse" | "memory";
}

/** Everything tool handlers use, built once by main.ts and shared by all connections. */
export interface McpDeps {
  config: Config;
  sessions: SessionManager;
  router: Router;
  audit: AuditSink;
  tasks: AsyncTasks;
  clock: Clock;
  /** Optional per-call hook for metrics (tool, outcome, duration). */
  onToolCall?: (tool: string, outcome: "ok" | "error" | "denied", durationMs: number) => void;
  /** Optional hook: a sandboxed run was killed (timeout, cancellation). */
  onSandboxKill?: (reason: KillReason) => void;
  /** Bounds the bytes of arguments calls in flight hold; none when absent (tests). */
  arguments?: ArgumentBudget;
  /** Counts worker tasks in flight (for metrics). */
  inFlight?: InFlight;
  /**
   * The process's stdout for the stdio transport, started before the process dropped the
   * read permission its thread's script needs. Default: started when stdio is served.
   */
  stdout?: ByteSink;
}
