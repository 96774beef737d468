/**
 * Workspace file tools executed by the worker: every path is checked lexically and then
 * resolved against the real filesystem so no symlink can lead outside the workspace.
 * @module
 */
import { CodegenError } from "../../core/mod.ts";
import type { TaskTool } from "../../rpc/mod.ts";
import type { ToolHandler } from "../executor.ts";

type FsTool = "fs.read" | "fs.write" | "fs.list" | "fs.delete" | "workspace.stats" | "artifact.get";

function notYet<K extends TaskTool>(tool: K): ToolHandler<K> {
  return () => Promise.reject(new CodegenError("INTERNAL", `${tool} is not implemented yet`));
}

/** Handlers for the file tools, keyed by tool name. */
export const FS_HANDLERS: { [K in FsTool]: ToolHandler<K> } = {
  "fs.read": notYet("fs.read"),
  "fs.write": notYet("fs.write"),
  "fs.list": notYet("fs.list"),
  "fs.delete": notYet("fs.delete"),
  "workspace.stats": notYet("workspace.stats"),
  "artifact.get": notYet("artifact.get"),
};
