import { isErrorCode } from "../core/mod.ts";
import type {
  SessionLimits,
  TaskError,
  TaskEvent,
  TaskOutcome,
  TaskRequest,
  TaskResultOf,
} from "./tasks.ts";
import type * as wpb from "./gen/codegen/v1/worker.ts";
import {
  compact,
  levelFromProto,
  levelToProto,
  streamFromProto,
  streamToProto,
} from "./convert_enums.ts";
import { type ToolResult, toolResultFromProto, toolResultToProto } from "./convert_tool_results.ts";

/** What one proto `TaskEvent` means: an event while running, or the final outcome. */
export type DecodedTaskEvent =
  | { kind: "event"; event: TaskEvent }
  | { kind: "outcome"; outcome: TaskOutcome };

/** A progress or log event → proto. */
export function taskEventToProto(event: TaskEvent): wpb.TaskEvent {
  if (event.type === "progress") {
    const { type: _, ...value } = event;
    return { event: { $case: "progress", value: compact(value) } };
  }
  const value = { stream: streamToProto(event.stream), level: levelToProto(event.level) };
  return { event: { $case: "log", value: { ...value, data: event.data } } };
}

/** A task's outcome → the final proto event; `task` types the result. */
export function outcomeToProto(task: TaskRequest, outcome: TaskOutcome): wpb.TaskEvent {
  if (!outcome.ok) return { event: { $case: "error", value: taskErrorToProto(outcome.error) } };
  // The executor ran `task`, so its result is that tool's result type.
  const typed = { tool: task.tool, result: outcome.result } as ToolResult;
  const value = compact({
    response: toolResultToProto(typed),
    is_error: outcome.is_error ?? false,
    error_text: outcome.error_text,
  });
  return { event: { $case: "result", value } };
}

/** An error → proto; `worker_leaving` is false unless set. */
export function taskErrorToProto(error: TaskError): wpb.TaskError {
  return { ...error, worker_leaving: error.worker_leaving ?? false };
}

/** Longest error message taken from a worker: it goes to the caller as the result's text. */
export const MAX_ERROR_MESSAGE_CHARS = 8 * 1024;

/**
 * An error from the wire; an unknown code (a newer peer) becomes INTERNAL, and a message
 * past {@link MAX_ERROR_MESSAGE_CHARS} is cut there.
 */
export function taskErrorFromProto(error: wpb.TaskError): TaskError {
  const code = isErrorCode(error.code) ? error.code : "INTERNAL";
  const { retriable } = error;
  const message = error.message.length <= MAX_ERROR_MESSAGE_CHARS
    ? error.message
    : `${
      error.message.slice(0, MAX_ERROR_MESSAGE_CHARS)
    }... (cut: ${error.message.length} characters)`;
  return error.worker_leaving
    ? { code, message, retriable, worker_leaving: true }
    : { code, message, retriable };
}

/**
 * A proto event → an event or the outcome; `undefined` for an empty (unknown) event. With
 * `asked` (the request's tool, as its proto case), a result for another tool is an
 * INTERNAL failure: its fields would be read as the asked tool's.
 */
export function taskEventFromProto(
  message: wpb.TaskEvent,
  asked?: string,
): DecodedTaskEvent | undefined {
  const e = message.event;
  switch (e?.$case) {
    case "progress":
      return { kind: "event", event: compact({ type: "progress", ...e.value }) };
    case "log": {
      const { stream, level, data } = e.value;
      const event: TaskEvent = {
        type: "log",
        stream: streamFromProto(stream),
        level: levelFromProto(level),
        data,
      };
      return { kind: "event", event };
    }
    case "result": {
      const { response, is_error, error_text } = e.value;
      const answered = response?.tool?.$case;
      if (asked !== undefined && answered !== asked) {
        const message = `The worker answered a ${asked} task with ${
          answered === undefined ? "an empty result" : `a ${answered} result`
        }`;
        return { kind: "outcome", outcome: { ok: false, error: failedError(message) } };
      }
      const result: TaskResultOf<ToolResult["tool"]> = toolResultFromProto(response ?? {}).result;
      const outcome: TaskOutcome = compact({
        ok: true as const,
        result,
        is_error: is_error ? true : undefined,
        error_text,
      });
      return { kind: "outcome", outcome };
    }
    case "error":
      return { kind: "outcome", outcome: { ok: false, error: taskErrorFromProto(e.value) } };
    case undefined:
      return undefined;
  }
}

function failedError(message: string): TaskError {
  return { code: "INTERNAL", message, retriable: false };
}

/** Session limits → proto (same fields). */
export function limitsToProto(limits: SessionLimits): wpb.Limits {
  return { ...limits };
}

/** Proto → session limits. */
export function limitsFromProto(limits: wpb.Limits): SessionLimits {
  return { ...limits };
}
