/**
 * Workspace file tools executed by the worker: every path is checked lexically and then
 * resolved against the real filesystem so no symlink can lead outside the workspace.
 * Writes are atomic (temp file + rename). See resolve.ts for the remaining race.
 * @module
 */
import type { ToolHandler } from "../executor.ts";
import { artifactGet } from "./artifact.ts";
import { fsDelete } from "./delete.ts";
import { fsList } from "./list.ts";
import { fsRead } from "./read.ts";
import { workspaceStats } from "./stats.ts";
import { fsWrite } from "./write.ts";

export {
  isInside,
  type ResolvedPath,
  type ResolveIntent,
  type ResolveOptions,
  resolvePath,
} from "./resolve.ts";
export { removalsSettled } from "./atomic.ts";
export { type OpenedFile, openVerified, readRange } from "./open.ts";
export { measureWorkspace, sumWorkspace, VISIT_FACTOR, type WorkspaceSum } from "./stats.ts";
export { beyondHostReach, MAX_HOST_PATH_BYTES } from "./host_reach.ts";
export { compileGlob } from "./glob.ts";
export { type Detected, detectMime } from "./mime.ts";

type FsTool = "fs.read" | "fs.write" | "fs.list" | "fs.delete" | "workspace.stats" | "artifact.get";

/** Handlers for the file tools, keyed by tool name. */
export const FS_HANDLERS: { [K in FsTool]: ToolHandler<K> } = {
  "fs.read": fsRead,
  "fs.write": fsWrite,
  "fs.list": fsList,
  "fs.delete": fsDelete,
  "workspace.stats": workspaceStats,
  "artifact.get": artifactGet,
};
