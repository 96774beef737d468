import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import { unwrap } from "../call.ts";
import { defineTool, type ToolDefinition } from "./tool.ts";

/** `session.info`: the caller's session, its worker, workspace usage and limits. */
export function sessionInfoTool(_config: Config): ToolDefinition {
  return defineTool({
    name: "session.info",
    title: "Session info",
    description:
      "Describe this session: its id, worker, workspace size and file count, timestamps and limits.",
    input: z.object({}),
    output: z.object({
      session_id: z.string(),
      worker_id: z.string(),
      workspace_bytes: z.number().int(),
      file_count: z.number().int(),
      created_at: z.string(),
      last_activity_at: z.string(),
      expires_at: z.string(),
      rehomed_from: z.string().optional(),
      limits: z.record(z.string(), z.number()),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    async run(call) {
      const stats = unwrap(await call.execute({ tool: "workspace.stats", args: {} })).result;
      const session = await call.session();
      const { router, config } = call.deps;
      const limits = { ...(await router.limitsFor(session)) } as Record<string, number>;
      limits.session_max_age_seconds = Math.round(config.sessionMaxAgeMs / 1000);
      const structured = {
        session_id: session.id,
        worker_id: session.workerId ?? "",
        workspace_bytes: stats.workspace_bytes,
        file_count: stats.file_count,
        created_at: new Date(session.createdAt).toISOString(),
        last_activity_at: new Date(session.lastActivityAt).toISOString(),
        expires_at: new Date(session.lastActivityAt + config.sessionMaxAgeMs).toISOString(),
        ...(session.rehomedFrom ? { rehomed_from: session.rehomedFrom } : {}),
        limits,
      };
      // in the words of the call's notice: back on the same id means it restarted
      const from = session.rehomedFrom;
      const moved = !from
        ? ""
        : from === session.workerId
        ? `\nMoved from worker ${from}, which restarted; files written before are lost.`
        : `\nMoved from worker ${from}, which is gone; files written before are not on ` +
          "this worker.";
      return {
        structured,
        text:
          `Session ${session.id} on worker ${structured.worker_id}: ${stats.file_count} files, ` +
          `${stats.workspace_bytes} bytes${moved}`,
      };
    },
  });
}
