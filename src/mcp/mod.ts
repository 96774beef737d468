/**
 * The MCP front: the server factory (tools, resources, logging), the stdio and HTTP
 * transports, and background tasks. The only module that imports the MCP SDK.
 * @module
 */
export { createMcpServer } from "./server.ts";
export { auditFailure } from "./audit_gate.ts";
export type { ConnectionInfo, McpDeps } from "./context.ts";
export { AsyncTasks, type AsyncTasksOptions } from "./async_tasks.ts";
export { ArgumentBudget, defaultArgumentBudget } from "./argument_budget.ts";
export { serveStdio } from "./stdio.ts";
export { STDOUT_THREAD_PERMISSIONS, ThreadStdout } from "./stdout_sink.ts";
export { ALL_TOOLS, toolNames } from "./tools/mod.ts";
