/**
 * The MCP tools, one file each; {@link ALL_TOOLS} lists them in the order clients see.
 * @module
 */
import { artifactGetTool } from "./artifact_get.ts";
import { echoTool } from "./echo.ts";
import { fsDeleteTool } from "./fs_delete.ts";
import { fsListTool } from "./fs_list.ts";
import { fsReadTool } from "./fs_read.ts";
import { fsWriteTool } from "./fs_write.ts";
import { pkgInstallTool } from "./pkg_install.ts";
import { runPythonTool } from "./run_python.ts";
import { sessionInfoTool } from "./session_info.ts";
import { taskCancelTool, taskResultTool, taskStatusTool } from "./tasks.ts";
import { testRunTool } from "./test_run.ts";
import type { ToolFactory } from "./tool.ts";
import type { Config } from "../../config/mod.ts";

export type { ToolDefinition, ToolFactory } from "./tool.ts";

/** Every tool the server offers. */
export const ALL_TOOLS: readonly ToolFactory[] = [
  echoTool,
  fsReadTool,
  fsWriteTool,
  fsListTool,
  fsDeleteTool,
  sessionInfoTool,
  runPythonTool,
  pkgInstallTool,
  testRunTool,
  artifactGetTool,
  taskStatusTool,
  taskResultTool,
  taskCancelTool,
];

/** The names of every tool, as clients see them (metrics label values). */
export function toolNames(config: Config): string[] {
  return ALL_TOOLS.map((factory) => factory(config).name);
}
