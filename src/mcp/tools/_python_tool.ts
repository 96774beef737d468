import type { z } from "zod";
import { KeyedQueue } from "../../core/mod.ts";
import type { TaskTool } from "../../rpc/mod.ts";
import { answerToolCall, ToolCall } from "../call.ts";
import type { ToolReply } from "../results.ts";
import { defineTool, type ToolDefinition } from "./tool.ts";
import { checkPath, workerTool, type WorkerToolSpec } from "./_worker_tool.ts";

/**
 * A worker tool that can also run in the background (`async: true`): the call returns a
 * task id at once and the run is audited when it finishes.
 */
export function backgroundableTool<
  K extends TaskTool,
  I extends z.ZodObject,
  O extends z.ZodObject,
>(
  spec: WorkerToolSpec<K, I, O> & {
    validate?: (args: z.infer<I>) => void;
    /** Calls that must run in the order a connection sent them (stateful runs). */
    inOrder?: (args: z.infer<I>) => boolean;
  },
): ToolDefinition {
  const foreground = workerTool(spec);
  // One connection's in-order calls take turns from the moment they arrive: the first
  // call of a session waits for it to be placed, and a later one would overtake it.
  const turns = new KeyedQueue();
  const runInTurn = (call: ToolCall, args: z.infer<I>): Promise<ToolReply> =>
    spec.inOrder?.(args)
      ? turns.run(call.conn.sessionId, () => foreground.run(call, args))
      : foreground.run(call, args);
  return defineTool({
    ...foreground,
    input: spec.input,
    output: spec.output,
    async run(call, args): Promise<ToolReply> {
      spec.validate?.(args);
      if (!(args as { async?: boolean }).async) return await runInTurn(call, args);
      for (const p of spec.paths(args)) checkPath(p, spec.maxPathBytes);
      const taskId = call.deps.tasks.start(call.conn.sessionId, spec.name, (signal, id) => {
        // the request that started it is over: no progress token, its own cancellation
        const extra = { ...call.extra, signal, _meta: undefined };
        const bg = new ToolCall({
          deps: call.deps,
          conn: call.conn,
          tool: spec.name,
          extra,
          server: call.server,
          background: true,
        });
        // answered without its text: the task keeps the result until task.result asks; its
        // record says it ran in the background, as which task (what task.status names)
        return answerToolCall(bg, { ...args, task_id: id }, (c) => runInTurn(c, args));
      });
      return {
        structured: { task_id: taskId, status: "running" },
        text:
          `Started ${spec.name} in the background as task ${taskId}; poll it with task.status or task.result`,
      };
    },
  });
}
