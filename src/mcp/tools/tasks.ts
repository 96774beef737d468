import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import type { TaskInfo } from "../async_tasks.ts";
import { answerToResult, type ToolReply } from "../results.ts";
import { defineTool, type ToolDefinition } from "./tool.ts";

const taskOutput = z.object({
  task_id: z.string(),
  tool: z.string(),
  status: z.enum(["running", "completed", "failed", "cancelled"]),
  started_at: z.string(),
  finished_at: z.string().optional(),
  result: z.record(z.string(), z.unknown()).optional().describe(
    "The tool's structured result once finished",
  ),
});

function describe(info: TaskInfo, withResult: boolean): ToolReply {
  const structured: Record<string, unknown> = {
    task_id: info.task_id,
    tool: info.tool,
    status: info.status,
    started_at: new Date(info.started_at).toISOString(),
    ...(info.finished_at !== undefined
      ? { finished_at: new Date(info.finished_at).toISOString() }
      : {}),
  };
  const head = `Task ${info.task_id} (${info.tool}): ${info.status}`;
  if (!withResult || !info.result) return { structured, text: head };
  // the text is built for this answer only: the task keeps the structured result alone
  const result = answerToResult(info.result);
  if (result.structuredContent) structured.result = result.structuredContent;
  return { structured, content: [{ type: "text", text: head }, ...result.content] };
}

function taskTool(
  name: string,
  title: string,
  description: string,
  act: (call: Parameters<ToolDefinition["run"]>[0], id: string) => ToolReply,
): ToolDefinition {
  return defineTool({
    name,
    title,
    description,
    input: z.object({ task_id: z.string().min(1).max(128) }),
    output: taskOutput,
    annotations: { readOnlyHint: name !== "task.cancel", openWorldHint: false },
    run: (call, args) => Promise.resolve(act(call, args.task_id)),
  });
}

/** `task.status`: the state of a background task. */
export function taskStatusTool(_config: Config): ToolDefinition {
  return taskTool(
    "task.status",
    "Task status",
    "State of a background task started with async: true.",
    (call, id) => describe(call.deps.tasks.get(call.conn.sessionId, id), false),
  );
}

/** `task.result`: the state and, once finished, the result of a background task. */
export function taskResultTool(_config: Config): ToolDefinition {
  return taskTool(
    "task.result",
    "Task result",
    "Result of a background task (its status while still running).",
    (call, id) => describe(call.deps.tasks.get(call.conn.sessionId, id), true),
  );
}

/** `task.cancel`: stops a background task and kills its process. */
export function taskCancelTool(_config: Config): ToolDefinition {
  return taskTool(
    "task.cancel",
    "Cancel task",
    "Cancel a running background task; its process is killed.",
    (call, id) => describe(call.deps.tasks.cancel(call.conn.sessionId, id), false),
  );
}
