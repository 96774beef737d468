import { CodegenError } from "../core/mod.ts";
import type { TaskResultOf, TaskTool } from "./tasks.ts";
import type * as pb from "./gen/codegen/v1/tools.ts";
import {
  artifactEncodingFromProto,
  artifactEncodingToProto,
  changeFromProto,
  changeToProto,
  compact,
  encodingFromProto,
  encodingToProto,
} from "./convert_enums.ts";

/** A tool name with its typed result, as one value (what a proto `ToolResponse` carries). */
export type ToolResult = { [K in TaskTool]: { tool: K; result: TaskResultOf<K> } }[TaskTool];

/** A tool's typed result → its proto `ToolResponse`. */
export function toolResultToProto(value: ToolResult): pb.ToolResponse {
  switch (value.tool) {
    case "fs.read": {
      const r = value.result;
      return { tool: { $case: "fs_read", value: { ...r, encoding: encodingToProto(r.encoding) } } };
    }
    case "fs.write":
      return { tool: { $case: "fs_write", value: { ...value.result } } };
    case "fs.list":
      return { tool: { $case: "fs_list", value: compact({ ...value.result }) } };
    case "fs.delete":
      return { tool: { $case: "fs_delete", value: { ...value.result } } };
    case "workspace.stats":
      return {
        tool: {
          $case: "workspace_stats",
          value: { ...value.result, has_state: value.result.has_state ?? false },
        },
      };
    case "run.python": {
      const r = value.result;
      const artifacts = r.artifacts.map((a) => ({ ...a, change: changeToProto(a.change) }));
      return { tool: { $case: "run_python", value: compact({ ...r, artifacts }) } };
    }
    case "pkg.install":
      return { tool: { $case: "pkg_install", value: { ...value.result } } };
    case "test.run":
      return { tool: { $case: "test_run", value: { ...value.result } } };
    case "artifact.get": {
      const r = value.result;
      const encoding = artifactEncodingToProto(r.encoding);
      return { tool: { $case: "artifact_get", value: { ...r, encoding } } };
    }
  }
}

/** A proto `ToolResponse` → the typed result; throws INVALID_ARGUMENT when none is set. */
export function toolResultFromProto(message: pb.ToolResponse): ToolResult {
  const tool = message.tool;
  switch (tool?.$case) {
    case "fs_read": {
      const r = tool.value;
      return { tool: "fs.read", result: { ...r, encoding: encodingFromProto(r.encoding) } };
    }
    case "fs_write":
      return { tool: "fs.write", result: { ...tool.value } };
    case "fs_list":
      // absent optional fields decode as undefined: drop them, as the worker never sets them
      return { tool: "fs.list", result: compact({ ...tool.value }) };
    case "fs_delete":
      return { tool: "fs.delete", result: { ...tool.value } };
    case "workspace_stats": {
      const { has_state, ...counts } = tool.value;
      return { tool: "workspace.stats", result: has_state ? { ...counts, has_state } : counts };
    }
    case "run_python": {
      const r = tool.value;
      const artifacts = r.artifacts.map((a) => ({ ...a, change: changeFromProto(a.change) }));
      return { tool: "run.python", result: compact({ ...r, artifacts }) };
    }
    case "pkg_install":
      return { tool: "pkg.install", result: { ...tool.value } };
    case "test_run":
      return { tool: "test.run", result: { ...tool.value } };
    case "artifact_get": {
      const r = tool.value;
      const encoding = artifactEncodingFromProto(r.encoding);
      return { tool: "artifact.get", result: { ...r, encoding } };
    }
    case undefined:
      throw new CodegenError("INVALID_ARGUMENT", "Bad task result: no tool given");
  }
}
