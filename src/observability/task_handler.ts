import { trace } from "@opentelemetry/api";
import { type Clock, SYSTEM_CLOCK } from "../core/mod.ts";
import type { TaskOutcomeLabel } from "./_metric_types.ts";
import { taskKillReason } from "./kill_reason.ts";
import { extractTraceparent } from "./trace_context.ts";
import { SPAN_ATTRIBUTES, withRpcSpan } from "./tracing.ts";
import type { WorkerMetrics } from "./worker_metrics.ts";

/** How a task ended, as far as metrics care (structurally the rpc `TaskOutcome`). */
export type TaskEnding =
  | { ok: true; is_error?: boolean | undefined; result?: unknown }
  | { ok: false; error: { code: string } };

/** The part of a worker's `WorkerServiceHandler` that {@link instrumentTaskHandler} wraps. */
export interface TaskHandlerLike {
  executeTask(
    sessionId: string,
    task: { tool: string },
    options: { traceparent?: string | undefined },
  ): Promise<TaskEnding>;
}

/** Options of {@link instrumentTaskHandler}. */
export interface InstrumentTaskOptions {
  /** Where finished tasks are counted; omit to trace only. */
  metrics?: WorkerMetrics | undefined;
  /** Default: the system clock. */
  clock?: Clock;
}

/** The metrics label of a task's ending. */
export function taskOutcomeLabel(ending: TaskEnding): TaskOutcomeLabel {
  if (ending.ok) return ending.is_error ? "error" : "ok";
  return ending.error.code === "CANCELLED" ? "cancelled" : "error";
}

/**
 * Wraps a plain-object handler so each `executeTask` continues the caller's trace from
 * its `traceparent` in a server span `rpc ExecuteTask`, and is counted in `metrics`.
 * Other methods are passed through unchanged.
 */
export function instrumentTaskHandler<H extends TaskHandlerLike>(
  handler: H,
  options: InstrumentTaskOptions = {},
): H {
  const { metrics } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const executeTask: TaskHandlerLike["executeTask"] = (sessionId, task, taskOptions) =>
    extractTraceparent(taskOptions.traceparent, () =>
      withRpcSpan("ExecuteTask", async () => {
        const started = clock.monotonic();
        let label: TaskOutcomeLabel = "error";
        try {
          const ending = await handler.executeTask(sessionId, task, taskOptions);
          label = taskOutcomeLabel(ending);
          const kill = taskKillReason(ending);
          if (kill) metrics?.sandboxKill(kill);
          return ending;
        } finally {
          trace.getActiveSpan()?.setAttribute(SPAN_ATTRIBUTES.outcome, label);
          metrics?.task(task.tool, label, clock.monotonic() - started);
        }
      }, {
        side: "server",
        attributes: { [SPAN_ATTRIBUTES.tool]: task.tool, [SPAN_ATTRIBUTES.sessionId]: sessionId },
        failureOf: (ending) => ending.ok ? undefined : ending.error.code,
      }));
  return { ...handler, executeTask } as H;
}
