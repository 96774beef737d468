import { z } from "zod";
import type { Config } from "../../config/mod.ts";
import type { ToolDefinition } from "./tool.ts";
import { workerTool } from "./_worker_tool.ts";
import { pathArg } from "./schemas.ts";

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** `artifact.get`: a workspace file as content the model can use (image, text or blob). */
export function artifactGetTool(config: Config): ToolDefinition {
  return workerTool({
    name: "artifact.get",
    tool: "artifact.get",
    title: "Get artifact",
    description:
      "Return a workspace file (e.g. a plot a run produced) as MCP content: image content " +
      "for PNG/JPEG/GIF/WebP, text for text files, an embedded blob otherwise. " +
      `Files over ${config.limits.maxFileBytes} bytes are refused.`,
    input: z.object({ path: pathArg(config) }),
    output: z.object({ path: z.string(), mime_type: z.string(), size_bytes: z.number().int() }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    paths: (a) => [a.path],
    maxPathBytes: config.limits.maxPathBytes,
    task: (a) => ({ path: a.path }),
    reply(r, call) {
      call.bytesOut = r.size_bytes;
      const structured = { path: r.path, mime_type: r.mime_type, size_bytes: r.size_bytes };
      if (r.encoding === "base64" && IMAGE_TYPES.has(r.mime_type)) {
        return { structured, content: [{ type: "image", data: r.data, mimeType: r.mime_type }] };
      }
      if (r.encoding === "text") return { structured, content: [{ type: "text", text: r.data }] };
      const uri = `workspace:///${r.path.split("/").map(encodeURIComponent).join("/")}`;
      return {
        structured,
        content: [{ type: "resource", resource: { uri, mimeType: r.mime_type, blob: r.data } }],
      };
    },
  });
}
