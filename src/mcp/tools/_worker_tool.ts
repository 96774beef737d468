import type { z } from "zod";
import { checkRelativePath, pathViolation } from "../../policy/mod.ts";
import type { TaskRequest, TaskResultOf, TaskTool } from "../../rpc/mod.ts";
import { type ToolCall, unwrap } from "../call.ts";
import { replyText, STABLE_CODE, type ToolReply } from "../results.ts";
import { defineTool, type ToolDefinition } from "./tool.ts";

/** Rejects a path lexically in the coordinator before it travels to a worker. */
export function checkPath(path: string | undefined, maxBytes: number): void {
  if (path === undefined || path === ".") return;
  const checked = checkRelativePath(path, { maxBytes });
  if (!checked.ok) throw pathViolation(path, checked.reason);
}

/** Describes a tool that runs one task on the session's worker. */
export interface WorkerToolSpec<K extends TaskTool, I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  tool: K;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations?: ToolDefinition["annotations"];
  /** Paths in the arguments, checked before sending. */
  paths: (args: z.infer<I>) => (string | undefined)[];
  /** Other checks before sending, as the worker would make them; throws a CodegenError. */
  check?: (args: z.infer<I>) => void;
  maxPathBytes: number;
  task: (args: z.infer<I>) => Extract<TaskRequest, { tool: K }>["args"];
  reply: (result: TaskResultOf<K>, call: ToolCall) => ToolReply;
}

/** A tool that validates paths, runs one worker task and shapes its result. */
export function workerTool<K extends TaskTool, I extends z.ZodObject, O extends z.ZodObject>(
  spec: WorkerToolSpec<K, I, O>,
): ToolDefinition {
  return defineTool({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input: spec.input,
    output: spec.output,
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
    async run(call, args) {
      for (const p of spec.paths(args)) checkPath(p, spec.maxPathBytes);
      spec.check?.(args);
      const task = { tool: spec.tool, args: spec.task(args) } as unknown as Extract<
        TaskRequest,
        { tool: K }
      >;
      const done = unwrap(await call.execute<K>(task));
      const reply = spec.reply(done.result as TaskResultOf<K>, call);
      if (done.is_error) {
        reply.isError = true;
        const { error_text } = done;
        const code = error_text ? STABLE_CODE.exec(error_text)?.[1] : undefined;
        if (code) reply.errorCode = code;
        if (error_text) {
          const body = { ...reply };
          reply.text = () => `${error_text}\n${replyText(body)}`;
        }
      }
      return reply;
    },
  });
}

/** Drops `undefined` values so optional arguments stay absent on the wire. */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
