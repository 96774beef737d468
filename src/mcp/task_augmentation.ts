import type { McpServer } from "./sdk.ts";

type RequestEntry = (this: unknown, request: unknown, extra: unknown) => unknown;

/**
 * Makes the server take a task-augmented request (`params.task`, MCP 2025-11-25) as a plain
 * one. We declare no `tasks` capability, and MCP says a receiver that does not "MUST process
 * requests of that type normally, ignoring any task-augmentation metadata"; the SDK instead
 * refused such a `tools/call` with -32603 before any handler ran. (Our own background runs
 * are the tools' `async` argument.) Wraps the SDK's private entry for incoming requests (a
 * pinned SDK without it fails here, at start-up).
 */
export function ignoreTaskAugmentation(server: McpServer): void {
  const protocol = server.server as unknown as { _onrequest?: RequestEntry };
  const inner = protocol._onrequest;
  if (typeof inner !== "function") {
    throw new Error("The MCP SDK no longer has _onrequest; update task_augmentation.ts");
  }
  protocol._onrequest = function (request, extra) {
    const params = (request as { params?: { task?: unknown } }).params;
    if (params?.task === undefined) return inner.call(this, request, extra);
    const { task: _, ...rest } = params;
    return inner.call(this, { ...(request as object), params: rest }, extra);
  };
}
