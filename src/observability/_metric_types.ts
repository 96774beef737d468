/** Prometheus text and its content type, ready to send as an HTTP response. */
export interface MetricsText {
  contentType: string;
  body: string;
}

/** Anything that can render its metrics in the Prometheus text format. */
export interface MetricsSource {
  render(): Promise<MetricsText>;
}

/** How an MCP tool call ended: ran fine, ran and failed, or refused by policy. */
export type ToolOutcome = "ok" | "error" | "denied";

/** How a task ended on a worker. */
export type TaskOutcomeLabel = "ok" | "error" | "cancelled";

/** A current value read when metrics are scraped; may be asynchronous (e.g. Redis). */
export type GaugeProvider = () => number | Promise<number>;

/** Why a sandboxed process was killed (the `reason` label of `codegen_sandbox_kills_total`). */
export type KillReason =
  | "timeout"
  | "cancelled"
  | "memory"
  | "cpu"
  | "file_size"
  | "output"
  | "signal";

/** Every {@link KillReason}, in a stable order. */
export const KILL_REASONS: readonly KillReason[] = [
  "timeout",
  "cancelled",
  "memory",
  "cpu",
  "file_size",
  "output",
  "signal",
];

/** Seconds: 1 ms up to 60 s, dense where tool calls usually land. */
export const DURATION_BUCKETS: readonly number[] = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
];
