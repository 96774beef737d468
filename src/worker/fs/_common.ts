import { CodegenError, type ErrorCode } from "../../core/mod.ts";
import { quotePath } from "../../policy/mod.ts";
import type { TaskContext } from "../context.ts";
import type { ResolvedPath } from "./resolve.ts";

/** What a handler is doing to which user path, for its messages. */
export interface Op {
  /** "read", "write", "append to", ... */
  verb: string;
  /** The path as the user gave it. */
  path: string;
}

/** `Cannot <verb> "<path>": <detail>` with the given code. */
export function failure(code: ErrorCode, detail: string, op: Op): CodegenError {
  return new CodegenError(code, `Cannot ${op.verb} ${quotePath(op.path)}: ${detail}`);
}

/** Stops a handler early when its task was cancelled. */
export function throwIfAborted(ctx: TaskContext): void {
  if (ctx.signal.aborted) throw new CodegenError("CANCELLED", "The task was cancelled");
}

/** A byte count or offset from the arguments: a non-negative safe integer. */
export function requireCount(value: number, name: string, op: Op): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw failure("INVALID_ARGUMENT", `${name} must be a non-negative integer`, op);
  }
  return value;
}

/** Narrows a resolved path to an existing regular file, or throws NOT_FOUND / INVALID_ARGUMENT. */
export function requireFile(
  resolved: ResolvedPath,
  op: Op,
): asserts resolved is ResolvedPath & { info: Deno.FileInfo } {
  if (resolved.info === null) throw failure("NOT_FOUND", "no such file", op);
  if (resolved.info.isDirectory) throw failure("INVALID_ARGUMENT", "it is a directory", op);
  // FIFOs and devices would block or never end; only regular files are read.
  if (!resolved.info.isFile) throw failure("INVALID_ARGUMENT", "not a regular file", op);
}
