/**
 * Open-time resolution of a workspace path against the real filesystem.
 *
 * The path is first checked lexically (src/policy), then walked one component at a time
 * with `lstat`. A component that is a symlink is resolved with `realPath` and must stay
 * inside the workspace; the walk continues from the real target, so the host path
 * returned contains no symlink and later operations never traverse one again. Symlinks
 * that stay inside are allowed. Missing parents are created one `mkdir` at a time (never a
 * recursive mkdir, which would follow a symlink planted in the middle).
 *
 * Remaining race, stated plainly: user code running in the same workspace could replace a
 * directory on the resolved path with a symlink between this walk and the operation that
 * uses its result. Neither Deno nor node:fs offers `openat`, so the window cannot be
 * closed here; it is narrowed instead: reads open with O_NOFOLLOW (a last component
 * swapped for a link fails) and O_NONBLOCK (a FIFO or device swapped in cannot stall the
 * worker), then re-check that the path still resolves to itself and to the very file
 * opened (device + inode), a regular file; writes re-check the parent
 * directory before and after the final rename (see open.ts and write.ts). The sandbox
 * keeps user code from seeing anything outside the workspace, which limits what a swapped
 * symlink could name. Hard links cannot be told apart by path; user code can only link
 * files it can see, which the sandbox confines to the workspace.
 * @module
 */
import { posix } from "node:path";
import { CodegenError } from "../../core/mod.ts";
import { checkRelativePath, MAX_PATH_BYTES, pathViolation, quotePath } from "../../policy/mod.ts";

/** What the caller will do with the path; decides how missing or dangling parts are met. */
export type ResolveIntent = "read" | "write" | "delete";

/** Options for {@link resolvePath}. */
export interface ResolveOptions {
  /** "read" and "write" follow a final symlink; "delete" acts on the link itself. */
  intent: ResolveIntent;
  /** Create missing parent directories (write only). Default false. */
  createParents?: boolean;
  /** Accept the workspace root itself ("."). Default true. */
  allowRoot?: boolean;
  /** Longest path accepted, in bytes. Default 4096. */
  maxPathBytes?: number;
}

/** A workspace path resolved to the host path to operate on. */
export interface ResolvedPath {
  /** Normalized workspace-relative path ("." for the root), as results report it. */
  relative: string;
  /** Absolute host path inside the workspace; no component of it is a symlink, except
   * the final one when `intent` is "delete". */
  host: string;
  /** `lstat` of `host`, or null when nothing exists there. */
  info: Deno.FileInfo | null;
}

const OUTSIDE = "path leads outside the workspace through a symlink";
/** A path whose last part is empty, "." or "..": it can only name a directory. */
const DIRECTORY_FORM = /(^|\/)(\.\.?)?$/;

/** Whether the absolute `hostPath` is `workspace` or below it. */
export function isInside(workspace: string, hostPath: string): boolean {
  return hostPath === workspace || hostPath.startsWith(`${workspace}/`);
}

/**
 * Resolves `path` inside `workspace` (an absolute real path). Throws PATH_VIOLATION when
 * the path is refused or a symlink on it leads outside, INVALID_ARGUMENT when a parent is
 * not a directory. A missing target is not an error: `info` is null.
 */
// deno-lint-ignore require-await -- kept async: callers and tests treat failures as rejections
export async function resolvePath(
  workspace: string,
  path: string,
  options: ResolveOptions,
): Promise<ResolvedPath> {
  const check = checkRelativePath(path, {
    allowRoot: options.allowRoot ?? true,
    maxBytes: options.maxPathBytes ?? MAX_PATH_BYTES,
  });
  if (!check.ok) throw pathViolation(path, check.reason);
  const { segments, normalized } = check;
  let current = workspace;
  // only the root itself needs its own lstat; any other path's walk lstats each part
  let info: Deno.FileInfo | null = segments.length === 0 ? Deno.lstatSync(workspace) : null;
  for (let i = 0; i < segments.length; i++) {
    const last = i === segments.length - 1;
    const candidate = `${current}/${segments[i]}`;
    info = lstatOrNull(candidate);
    if (info === null && !last && options.createParents) {
      try {
        Deno.mkdirSync(candidate, { mode: 0o755 });
      } catch (err) {
        ignore(Deno.errors.AlreadyExists)(err);
      }
      info = Deno.lstatSync(candidate);
    }
    if (info === null) {
      const host = [candidate, ...segments.slice(i + 1)].join("/");
      return found(path, { relative: normalized, host, info: null }, options.intent);
    }
    if (info.isSymlink && (!last || options.intent !== "delete")) {
      const real = followLink(workspace, path, candidate, options.intent);
      if (real === null) {
        return found(path, { relative: normalized, host: candidate, info: null }, options.intent);
      }
      current = real;
      info = Deno.lstatSync(real);
    } else {
      current = candidate;
    }
    if (!last && !info.isDirectory) {
      const prefix = segments.slice(0, i + 1).join("/");
      throw new CodegenError(
        "INVALID_ARGUMENT",
        `Cannot use ${quotePath(path)}: ${quotePath(prefix)} is not a directory`,
      );
    }
  }
  return found(path, { relative: normalized, host: current, info }, options.intent);
}

// "f.txt/" names a directory, as the system reads it: never the file f.txt, and nothing a
// write could create.
function found(path: string, resolved: ResolvedPath, intent: ResolveIntent): ResolvedPath {
  const { info } = resolved;
  if (!DIRECTORY_FORM.test(path) || (info?.isDirectory ?? intent !== "write")) return resolved;
  throw new CodegenError(
    "INVALID_ARGUMENT",
    info === null
      ? `Cannot write ${quotePath(path)}: it ends with "/", which names a directory; ` +
        "give the file's path without it"
      : `Cannot use ${quotePath(path)}: it ends with "/" but ${
        quotePath(resolved.relative)
      } is not a directory`,
  );
}

/** The real target of a symlink, checked to be inside; null when it dangles inside. */
function followLink(
  workspace: string,
  path: string,
  link: string,
  intent: ResolveIntent,
): string | null {
  let real: string;
  try {
    real = Deno.realPathSync(link);
  } catch {
    // Dangling or looping: judge where it points lexically; never create through it.
    const target = posix.resolve(posix.dirname(link), Deno.readLinkSync(link));
    if (!isInside(workspace, target)) throw pathViolation(path, OUTSIDE);
    if (intent === "write") {
      // inside, so not a violation: there is just nothing there to write through
      const detail = "it goes through a symlink that leads nowhere (a missing target or a loop)";
      throw new CodegenError("NOT_FOUND", `Cannot write ${quotePath(path)}: ${detail}`);
    }
    return null;
  }
  if (!isInside(workspace, real)) throw pathViolation(path, OUTSIDE);
  return real;
}

// Synchronous: see open.ts (local metadata calls on the worker's own thread).
/** `lstat` of `hostPath`, or null when nothing is there. */
export function lstatOrNull(hostPath: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(hostPath);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

function ignore(kind: new (...args: never[]) => Error): (err: unknown) => void {
  return (err) => {
    if (!(err instanceof kind)) throw err;
  };
}
