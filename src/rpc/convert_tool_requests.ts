import { CodegenError } from "../core/mod.ts";
import type { TaskRequest } from "./tasks.ts";
import type * as pb from "./gen/codegen/v1/tools.ts";
import { compact, encodingFromProto, encodingToProto, maybe } from "./convert_enums.ts";

/** A typed task → its proto `ToolRequest`. */
export function toolRequestToProto(task: TaskRequest): pb.ToolRequest {
  switch (task.tool) {
    case "fs.read": {
      const { encoding, ...rest } = task.args;
      const value = compact({ ...rest, encoding: maybe(encoding, encodingToProto) });
      return { tool: { $case: "fs_read", value } };
    }
    case "fs.write": {
      const { encoding, ...rest } = task.args;
      const value = compact({ ...rest, encoding: maybe(encoding, encodingToProto) });
      return { tool: { $case: "fs_write", value } };
    }
    case "fs.list":
      return { tool: { $case: "fs_list", value: compact({ ...task.args }) } };
    case "fs.delete":
      return { tool: { $case: "fs_delete", value: compact({ ...task.args }) } };
    case "workspace.stats":
      return { tool: { $case: "workspace_stats", value: {} } };
    case "run.python": {
      const { args, env, ...rest } = task.args;
      const value = compact({ ...rest, args: args ?? [], env: env ?? {} });
      return { tool: { $case: "run_python", value } };
    }
    case "pkg.install":
      return { tool: { $case: "pkg_install", value: compact({ ...task.args }) } };
    case "test.run": {
      const { args, ...rest } = task.args;
      return { tool: { $case: "test_run", value: compact({ ...rest, args: args ?? [] }) } };
    }
    case "artifact.get":
      return { tool: { $case: "artifact_get", value: { path: task.args.path } } };
  }
}

// Empty repeated/map fields decode as "not given": proto3 cannot tell the two apart.
function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
function nonEmptyMap(map: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(map).length > 0 ? map : undefined;
}

/** A proto `ToolRequest` → the typed task; throws INVALID_ARGUMENT when no tool is set. */
export function toolRequestFromProto(message: pb.ToolRequest): TaskRequest {
  const tool = message.tool;
  switch (tool?.$case) {
    case "fs_read": {
      const { encoding, ...rest } = tool.value;
      const args = compact({ ...rest, encoding: maybe(encoding, encodingFromProto) });
      return { tool: "fs.read", args };
    }
    case "fs_write": {
      const { encoding, ...rest } = tool.value;
      const args = compact({ ...rest, encoding: maybe(encoding, encodingFromProto) });
      return { tool: "fs.write", args };
    }
    case "fs_list":
      return { tool: "fs.list", args: compact({ ...tool.value }) };
    case "fs_delete":
      return { tool: "fs.delete", args: compact({ ...tool.value }) };
    case "workspace_stats":
      return { tool: "workspace.stats", args: {} };
    case "run_python": {
      const { args, env, ...rest } = tool.value;
      const value = compact({ ...rest, args: nonEmpty(args), env: nonEmptyMap(env) });
      return { tool: "run.python", args: value };
    }
    case "pkg_install":
      return { tool: "pkg.install", args: compact({ ...tool.value }) };
    case "test_run": {
      const { args, ...rest } = tool.value;
      return { tool: "test.run", args: compact({ ...rest, args: nonEmpty(args) }) };
    }
    case "artifact_get":
      return { tool: "artifact.get", args: { path: tool.value.path } };
    case undefined:
      throw new CodegenError("INVALID_ARGUMENT", "Bad task: no tool given");
  }
}
