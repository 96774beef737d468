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

/** The `encoding` argument: absent means utf-8; anything but the two names is refused. */
export function requireEncoding(value: string | undefined, op: Op): "utf-8" | "base64" {
  if (value === undefined || value === "utf-8") return "utf-8";
  if (value === "base64") return "base64";
  throw failure("INVALID_ARGUMENT", 'encoding must be "utf-8" or "base64"', op);
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
