import { posix } from "node:path";
import { pathViolation } from "../../policy/mod.ts";
import type { FsDeleteArgs, TaskOutcome } from "../../rpc/mod.ts";
import type { TaskContext } from "../context.ts";
import { failure, throwIfAborted } from "./_common.ts";
import { inPathTurn } from "./_path_turns.ts";
import { verifyDirectory } from "./open.ts";
import { resolvePath } from "./resolve.ts";

/**
 * fs.delete: removes a file, a symlink (the link itself, never its target) or a directory;
 * a non-empty directory needs `recursive: true`. Recursive removal does not follow
 * symlinks inside the tree. The workspace root itself cannot be deleted. Never refused for
 * the workspace's size: deleting is how a session gets back under MAX_WORKSPACE_BYTES.
 */
export async function fsDelete(
  ctx: TaskContext,
  args: FsDeleteArgs,
): Promise<TaskOutcome<"fs.delete">> {
  throwIfAborted(ctx);
  const resolved = await resolvePath(ctx.workspace, args.path, {
    intent: "delete",
    allowRoot: false,
    maxPathBytes: ctx.limits.maxPathBytes,
  });
  if (resolved.host === ctx.workspace) {
    throw pathViolation(args.path, "the workspace root cannot be deleted");
  }
  const op = { verb: "delete", path: args.path };
  return await inPathTurn(ctx, resolved, async (info) => {
    if (info === null) throw failure("NOT_FOUND", "no such file or directory", op);
    const recursive = args.recursive ?? false;
    if (info.isDirectory && !recursive && !(await isEmpty(resolved.host))) {
      const detail = "the directory is not empty (pass recursive: true)";
      throw failure("INVALID_ARGUMENT", detail, op);
    }
    await verifyDirectory(ctx.workspace, posix.dirname(resolved.host), op);
    try {
      await Deno.remove(resolved.host, { recursive: info.isDirectory && recursive });
    } catch (err) {
      // removed by other means meanwhile (a run, a recursive delete of a parent)
      if (err instanceof Deno.errors.NotFound) {
        throw failure("NOT_FOUND", "no such file or directory", op);
      }
      throw err;
    }
    // a removed tree's size is unknown without walking it: the next check measures again
    if (info.isFile) ctx.usage?.add(-info.size);
    else if (info.isDirectory) ctx.usage?.invalidate();
    return { ok: true, result: { path: resolved.relative, deleted: true } };
  });
}

async function isEmpty(dir: string): Promise<boolean> {
  for await (const _ of Deno.readDir(dir)) return false;
  return true;
}
