import { CodegenError, type ErrorCode } from "../../core/mod.ts";
import { quotePath } from "../../policy/mod.ts";
import type { TaskContext } from "../context.ts";
import type { ResolvedPath } from "./resolve.ts";

/** `Cannot <verb> "<path>": <detail>` with the given code. */
export function failure(code: ErrorCode, verb: string, path: string, detail: string): CodegenError {
  return new CodegenError(code, `Cannot ${verb} ${quotePath(path)}: ${detail}`);
}

/** Stops a handler early when its task was cancelled. */
export function throwIfAborted(ctx: TaskContext): void {
  if (ctx.signal.aborted) throw new CodegenError("CANCELLED", "The task was cancelled");
}

/** A byte count or offset from the arguments: a non-negative safe integer. */
export function requireCount(value: number, name: string, verb: string, path: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw failure("INVALID_ARGUMENT", verb, path, `${name} must be a non-negative integer`);
  }
  return value;
}

/** Narrows a resolved path to an existing regular file, or throws NOT_FOUND / INVALID_ARGUMENT. */
export function requireFile(
  resolved: ResolvedPath,
  verb: string,
  path: string,
): asserts resolved is ResolvedPath & { info: Deno.FileInfo } {
  if (resolved.info === null) throw failure("NOT_FOUND", verb, path, "no such file");
  if (resolved.info.isDirectory) throw failure("INVALID_ARGUMENT", verb, path, "it is a directory");
  // FIFOs and devices would block or never end; only regular files are read.
  if (!resolved.info.isFile) throw failure("INVALID_ARGUMENT", verb, path, "not a regular file");
}
